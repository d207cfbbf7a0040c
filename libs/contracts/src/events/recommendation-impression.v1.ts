/**
 * `recommendation_impression` v1: a recommendation list was shown. Emitted by the scorer (server side)
 * or by the storefront when the list actually rendered; `requestId` joins it with clicks.
 */
import { z } from 'zod';
import { idSchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const impressedItemSchema = z.strictObject({
  itemId: idSchema,
  position: z.int().min(0).max(1000),
  score: z.number().finite().optional(),
});

export const recommendationImpressionV1Schema = defineStorefrontEvent('recommendation_impression', {
  requestId: idSchema,
  modelVersion: z.string().min(1).max(128),
  arm: z.string().min(1).max(64),
  experimentId: idSchema.optional(),
  placement: z.string().min(1).max(64).optional(),
  items: z.array(impressedItemSchema).min(1).max(500),
});
export type RecommendationImpressionV1 = z.infer<typeof recommendationImpressionV1Schema>;
