/**
 * Replies on `recommendations.v1`, keyed by the request id: a `recommendation_response` (the answer) or,
 * added within v1, a `recommendation_error` (the request could not be answered). Replies carry no user
 * id: the requester matches them to its request by `requestId`.
 */
import { z } from 'zod';
import { idSchema, timestampSchema } from '../common';

export const recommendedItemSchema = z.strictObject({
  itemId: idSchema,
  rank: z.int().min(0),
  score: z.number().finite(),
  /** Human-readable reason, e.g. "viewed together with Trail Runner 2". */
  explanation: z.string().max(256).optional(),
  /** Which candidate source produced it (co_visitation, category_affinity, trending, exploration). */
  source: z.string().max(64).optional(),
});

export const recommendationResponseV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  requestId: idSchema,
  /** Never set by the scorer (a reply carries no user id); kept so older replies still parse. */
  userId: idSchema.optional(),
  /** Never set by the scorer, as `userId`. */
  anonymousId: idSchema.optional(),
  items: z.array(recommendedItemSchema).max(100),
  modelVersion: z.string().min(1).max(128),
  arm: z.string().min(1).max(64),
  experimentId: idSchema.optional(),
  personalized: z.boolean(),
  generatedAt: timestampSchema,
});
export type RecommendationResponseV1 = z.infer<typeof recommendationResponseV1Schema>;

/**
 * `recommendation_error` v1: why a request got no answer — it broke its contract (`MESSAGE_INVALID`,
 * `PAYLOAD_NOT_JSON`) or serving it failed (the failure's code). Sent whenever the request's id could be
 * read, so a requester never waits for an answer that will not come; `retriable` says whether sending the
 * same request again can succeed.
 */
export const recommendationErrorV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  requestId: idSchema,
  error: z.strictObject({
    code: z.string().min(1).max(64),
    message: z.string().max(2048),
    retriable: z.boolean(),
  }),
  generatedAt: timestampSchema,
});
export type RecommendationErrorV1 = z.infer<typeof recommendationErrorV1Schema>;

/** Anything on `recommendations.v1`: an answer (`items`) or an error (`error`). */
export const recommendationReplyV1Schema = z.union([
  recommendationResponseV1Schema,
  recommendationErrorV1Schema,
]);
export type RecommendationReplyV1 = z.infer<typeof recommendationReplyV1Schema>;

export function isRecommendationError(
  reply: RecommendationReplyV1,
): reply is RecommendationErrorV1 {
  return 'error' in reply;
}
