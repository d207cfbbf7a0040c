/** `product_view` v1: a product detail page (or quick view) was shown. */
import { z } from 'zod';
import { categoryPathSchema, currencySchema, idSchema, priceSchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

/** Where the shopper came from when the view followed a list (search results, recommendations). */
export const listSourceSchema = z.strictObject({
  listId: z.string().min(1).max(128),
  position: z.int().min(0).max(10_000),
  /** Set when the list was a recommendation response; used for click attribution. */
  requestId: idSchema.optional(),
});

export const productViewV1Schema = defineStorefrontEvent('product_view', {
  itemId: idSchema,
  price: priceSchema.optional(),
  currency: currencySchema.optional(),
  categoryPath: categoryPathSchema.optional(),
  source: listSourceSchema.optional(),
});
export type ProductViewV1 = z.infer<typeof productViewV1Schema>;
