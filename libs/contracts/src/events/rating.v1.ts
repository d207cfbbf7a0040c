/** `rating` v1: an explicit star rating without text. */
import { z } from 'zod';
import { idSchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const ratingV1Schema = defineStorefrontEvent('rating', {
  itemId: idSchema,
  /** 0.5-star steps from 0.5 to 5. */
  rating: z.number().min(0.5).max(5).multipleOf(0.5),
});
export type RatingV1 = z.infer<typeof ratingV1Schema>;
