/** `review` v1: a written review with whole stars. */
import { z } from 'zod';
import { idSchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const reviewV1Schema = defineStorefrontEvent('review', {
  itemId: idSchema,
  stars: z.int().min(1).max(5),
  title: z.string().trim().max(256).optional(),
  text: z.string().trim().min(1).max(10_000),
});
export type ReviewV1 = z.infer<typeof reviewV1Schema>;
