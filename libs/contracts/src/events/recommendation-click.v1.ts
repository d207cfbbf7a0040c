/** `recommendation_click` v1: an item from a recommendation list was clicked. */
import { z } from 'zod';
import { idSchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const recommendationClickV1Schema = defineStorefrontEvent('recommendation_click', {
  requestId: idSchema,
  itemId: idSchema,
  position: z.int().min(0).max(1000),
  arm: z.string().min(1).max(64).optional(),
  modelVersion: z.string().min(1).max(128).optional(),
});
export type RecommendationClickV1 = z.infer<typeof recommendationClickV1Schema>;
