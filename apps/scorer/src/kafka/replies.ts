/**
 * What the scorer writes on `recommendations.v1`: the answer to a request, or the error that stopped it.
 * A reply is keyed by the request id and carries no user id (the storefront id is personal data; the
 * requester knows whom it asked about), so nothing on the reply topic identifies a shopper.
 */
import {
  idSchema,
  type RecommendationErrorV1,
  type RecommendationResponseV1,
} from '@recsys/contracts';
import type { OutgoingMessage, RejectedMessage } from '@recsys/kafka';
import type { ServedResponse } from '../recommendations/recommendation.service';

const MESSAGE_MAX_CHARS = 2048;

/** The contract's fields only, without the shopper's ids: the HTTP answer adds diagnostics. */
export function toResponseMessage(
  served: ServedResponse,
  requestId: string,
): RecommendationResponseV1 {
  const {
    degraded: _degraded,
    degradedReason: _reason,
    candidatesConsidered: _considered,
    timings: _timings,
    userId: _userId,
    anonymousId: _anonymousId,
    ...response
  } = served;
  return { ...response, requestId };
}

export function answerReply(
  response: RecommendationResponseV1,
): OutgoingMessage<'recommendations.v1'> {
  return { key: response.requestId, value: response };
}

/**
 * The error reply to a request that was dead-lettered, when its request id can be read (even from a
 * request that breaks its contract); undefined otherwise — then nobody can be told.
 */
export function errorReply(
  rejected: RejectedMessage,
  now = new Date(),
): OutgoingMessage<'recommendations.v1'> | undefined {
  const requestId = requestIdOf(rejected.value);
  if (requestId === undefined) return undefined;
  const value: RecommendationErrorV1 = {
    schemaVersion: 1,
    requestId,
    error: {
      code: rejected.code,
      message: describe(rejected).slice(0, MESSAGE_MAX_CHARS),
      retriable: rejected.retriable,
    },
    generatedAt: now.toISOString(),
  };
  return { key: requestId, value };
}

function requestIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const parsed = idSchema.safeParse((value as Record<string, unknown>)['requestId']);
  return parsed.success ? parsed.data : undefined;
}

/** The rejection and, for a broken contract, where (no values: they may be personal data). */
function describe(rejected: RejectedMessage): string {
  if (rejected.issues === undefined || rejected.issues.length === 0) return rejected.message;
  const issues = rejected.issues.map((issue) => `${issue.path || '(message)'}: ${issue.message}`);
  return `${rejected.message}: ${issues.join('; ')}`;
}
