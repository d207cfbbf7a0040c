/**
 * `item_upserted` v1: the storefront's catalogue state of one item. Last write by `updatedAt` wins,
 * so replays and out-of-order delivery converge to the same item.
 */
import { z } from 'zod';
import {
  categoryPathSchema,
  currencySchema,
  idSchema,
  priceSchema,
  propertiesSchema,
  timestampSchema,
} from '../common';

export const availabilities = ['in_stock', 'out_of_stock', 'preorder', 'discontinued'] as const;

export const itemUpsertedV1Schema = z.strictObject({
  itemId: idSchema,
  schemaVersion: z.literal(1),
  title: z.string().trim().min(1).max(512),
  categoryPath: categoryPathSchema,
  brand: z.string().trim().min(1).max(128).optional(),
  price: priceSchema,
  currency: currencySchema,
  availability: z.enum(availabilities),
  imageUrl: z.url().max(2048).optional(),
  /** When the storefront changed the item; orders upserts of the same item. */
  updatedAt: timestampSchema,
  attributes: propertiesSchema.optional(),
});
export type ItemUpsertedV1 = z.infer<typeof itemUpsertedV1Schema>;
