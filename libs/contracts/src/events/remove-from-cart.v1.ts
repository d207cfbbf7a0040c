/** `remove_from_cart` v1: a quantity of one item was removed from the cart. */
import { z } from 'zod';
import { idSchema, quantitySchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const removeFromCartV1Schema = defineStorefrontEvent('remove_from_cart', {
  itemId: idSchema,
  quantity: quantitySchema,
  cartId: idSchema.optional(),
});
export type RemoveFromCartV1 = z.infer<typeof removeFromCartV1Schema>;
