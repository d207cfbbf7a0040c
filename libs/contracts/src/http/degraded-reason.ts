/**
 * Why a scorer answer is `degraded`: a closed list, so clients, dashboards and the OpenAPI document
 * can match on it. A value is never renamed; a new one is added here (and in the README's scorer row).
 */
import { z } from 'zod';

export const degradedReasons = [
  'no_model',
  'ranker_error',
  'ranker_timeout',
  'ranker_invalid_output',
  'deadline_exceeded',
  'feature_store_unavailable',
] as const;
export type DegradedReason = (typeof degradedReasons)[number];

/** What each reason means for the answer (the OpenAPI description lists them). */
export const degradedReasonMeaning: Readonly<Record<DegradedReason, string>> = {
  no_model:
    '`POST /v1/rank` with no model to rank by (none trained yet, or an arm without one): the given ' +
    'order, every score 0, not personalised',
  ranker_error:
    "the model failed: the candidate sources' order (`/v1/recommendations`, scores are the sources') " +
    'or the given order (`/v1/rank`, scores 0)',
  ranker_timeout: 'the model missed its deadline (SCORER_RANKER_TIMEOUT_MS): as `ranker_error`',
  ranker_invalid_output: 'the model answered scores that cannot be used: as `ranker_error`',
  deadline_exceeded:
    'the feature store did not answer within SCORER_REQUEST_DEADLINE_MS: the in-memory ' +
    'non-personalised list (`/v1/rank`: the given order, scores 0)',
  feature_store_unavailable: 'Redis is down: as `deadline_exceeded`',
};

export const degradedReasonSchema = z.enum(degradedReasons).meta({
  description: `Why the answer is degraded: ${degradedReasons
    .map((reason) => `\`${reason}\` (${degradedReasonMeaning[reason]})`)
    .join('; ')}.`,
});
