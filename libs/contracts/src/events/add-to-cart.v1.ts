/** `add_to_cart` v1: a quantity of one item was added to the cart. */
import { z } from 'zod';
import { currencySchema, idSchema, priceSchema, quantitySchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const addToCartV1Schema = defineStorefrontEvent('add_to_cart', {
  itemId: idSchema,
  quantity: quantitySchema,
  /** Unit price at the time of the event. */
  price: priceSchema,
  currency: currencySchema,
  cartId: idSchema.optional(),
});
export type AddToCartV1 = z.infer<typeof addToCartV1Schema>;
