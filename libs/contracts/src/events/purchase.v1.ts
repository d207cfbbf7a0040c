/** `purchase` v1: an order was placed. `revenue` must equal the sum of line totals within a cent. */
import { z } from 'zod';
import { currencySchema, idSchema, priceSchema, quantitySchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const purchaseLineSchema = z.strictObject({
  itemId: idSchema,
  quantity: quantitySchema,
  /** Unit price paid. */
  price: priceSchema,
});

const REVENUE_TOLERANCE = 0.01;

export const purchaseV1Schema = defineStorefrontEvent('purchase', {
  orderId: idSchema,
  items: z.array(purchaseLineSchema).min(1).max(500),
  currency: currencySchema,
  /** Sum of `quantity × price` over the lines, before shipping and tax. */
  revenue: priceSchema,
  shipping: priceSchema.optional(),
  tax: priceSchema.optional(),
}).refine(
  (order) =>
    Math.abs(
      order.items.reduce((sum, line) => sum + line.quantity * line.price, 0) - order.revenue,
    ) <= REVENUE_TOLERANCE,
  { message: 'revenue must equal the sum of quantity × price', path: ['revenue'] },
);
export type PurchaseV1 = z.infer<typeof purchaseV1Schema>;
