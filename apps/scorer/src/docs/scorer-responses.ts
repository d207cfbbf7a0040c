/**
 * The bodies the scorer answers with, as zod schemas: the OpenAPI document's response schemas, and what
 * the tests parse real answers with. Where the types allow it, each is checked against the TypeScript
 * type the code returns (`satisfies`), so a field renamed in the code fails the type check here.
 */
import { z } from 'zod';
import {
  degradedReasonSchema,
  recommendationResponseV1Schema,
  recommendedItemSchema,
} from '@recsys/contracts';
import { experimentSchema, primaryMetrics, type PromotionDecision } from '@recsys/experiments';
import type { OfferAnswer } from '../offers/offer.service';
import type { ServedResponse } from '../recommendations/recommendation.service';

/** `POST /v1/rank` returns every distinct requested item, up to the request's 1000. */
const MAX_RANKED_ITEMS = 1000;

export const servedResponseSchema = recommendationResponseV1Schema
  .extend({
    items: z.array(recommendedItemSchema).max(MAX_RANKED_ITEMS),
    degraded: z.boolean(),
    degradedReason: degradedReasonSchema.optional(),
    candidatesConsidered: z.int().min(0).optional(),
    timings: z.record(z.string(), z.number()).optional(),
  })
  .meta({
    description:
      'A `recommendation_response` plus diagnostics: `degraded` when no model ranked the answer ' +
      '(none, failed, late) or the feature store could not answer in time, with `degradedReason`. ' +
      "`personalized` is true only when the shopper's own data shaped the answer.",
  }) satisfies z.ZodType<ServedResponse>;

const interval = { lower: z.number(), upper: z.number() };
const rateEstimateSchema = z.strictObject({ rate: z.number(), ...interval });
const estimateSchema = z.strictObject({ estimate: z.number(), ...interval });

const armCountersSchema = z.strictObject({
  impressions: z.number(),
  clicks: z.number(),
  exposedUsers: z.number(),
  convertedUsers: z.number(),
  revenue: z.number(),
  /** Stored alongside: every click and every attributed purchase. */
  totalClicks: z.number().optional(),
  purchases: z.number().optional(),
});

const metricComparisonSchema = z.strictObject({
  baselineRate: z.number(),
  variantRate: z.number(),
  absolute: estimateSchema,
  relative: estimateSchema.optional(),
  zScore: z.number(),
  pValue: z.number(),
  significant: z.boolean(),
});

export const experimentReportSchema = z.strictObject({
  experimentId: z.string(),
  primaryMetric: z.enum(primaryMetrics),
  controlArm: z.string(),
  alpha: z.number(),
  arms: z.array(
    z.strictObject({
      arm: z.string(),
      share: z.number(),
      counters: armCountersSchema,
      ctr: rateEstimateSchema,
      conversion: rateEstimateSchema,
      revenuePerUser: z.number(),
      sampleSufficient: z.boolean(),
    }),
  ),
  comparisons: z.array(
    z.strictObject({
      arm: z.string(),
      ctr: metricComparisonSchema,
      conversion: metricComparisonSchema,
    }),
  ),
  sampleRatioPValue: z.number(),
  sampleSufficient: z.boolean(),
  sequentialCaveat: z.boolean(),
  caveats: z.array(z.string()),
});
// No `satisfies z.ZodType<ExperimentReport>`: the type's `relative: … | undefined` is a key JSON drops,
// which zod can only state as optional. The tests parse real reports with this schema instead.

export const promotionDecisionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('promote'), arm: z.string(), reason: z.string() }),
  z.strictObject({ action: z.literal('keep'), reason: z.string() }),
]) satisfies z.ZodType<PromotionDecision>;

export const experimentListSchema = z.strictObject({ experiments: z.array(experimentSchema) });

export const experimentSavedSchema = z.strictObject({
  status: z.enum(['created', 'replaced']),
  experiment: experimentSchema,
});

export const experimentReportResponseSchema = z.strictObject({
  experiment: experimentSchema,
  report: experimentReportSchema,
  decision: promotionDecisionSchema,
});

export const conclusionSchema = z.strictObject({
  decision: promotionDecisionSchema,
  report: experimentReportSchema,
  experiment: experimentSchema,
  /** The model version made champion because its arm won. */
  promotedModelVersion: z.string().optional(),
});

const offerDecisionSchema = z.strictObject({
  userId: z.string(),
  propensity: z.number(),
  uplift: z.number(),
  expectedCost: z.number(),
});

export const offerAnswerSchema = z.strictObject({
  campaignId: z.string(),
  recipients: z.array(offerDecisionSchema),
  holdout: z.array(offerDecisionSchema),
  expectedIncrementalConversions: z.number(),
  expectedSpend: z.number(),
  notPersuadable: z.int().min(0),
  /** Users not considered because they refused personalisation. */
  optedOut: z.int().min(0),
  /** Users not considered because they were erased (and have no history since). */
  erased: z.int().min(0),
}) satisfies z.ZodType<OfferAnswer>;

const offerGroupCountsSchema = z.strictObject({
  users: z.number(),
  convertedUsers: z.number(),
  purchases: z.number(),
  revenue: z.number(),
});
const groupOutcomeSchema = z.strictObject({ users: z.number(), converted: z.number() });

export const offerOutcomesSchema = z.strictObject({
  campaignId: z.string(),
  groups: z.strictObject({ treatment: offerGroupCountsSchema, holdout: offerGroupCountsSchema }),
  /** Per propensity bucket: treatment = treated, holdout = control. */
  buckets: z.array(
    z.strictObject({
      bucket: z.number(),
      treated: groupOutcomeSchema,
      control: groupOutcomeSchema,
    }),
  ),
  /** Conversion of treatment against holdout (absolute and relative, 95 % intervals, p-value). */
  uplift: metricComparisonSchema.omit({ significant: true }),
});
