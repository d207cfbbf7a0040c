/** `recommendation_response` v1: the answer to a request, on `recommendations.v1`, keyed by user. */
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
  userId: idSchema.optional(),
  anonymousId: idSchema.optional(),
  items: z.array(recommendedItemSchema).max(100),
  modelVersion: z.string().min(1).max(128),
  arm: z.string().min(1).max(64),
  experimentId: idSchema.optional(),
  personalized: z.boolean(),
  generatedAt: timestampSchema,
});
export type RecommendationResponseV1 = z.infer<typeof recommendationResponseV1Schema>;
