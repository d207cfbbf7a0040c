/** `page_view` v1: any storefront page was shown. */
import { z } from 'zod';
import { categoryPathSchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const pageTypes = [
  'home',
  'category',
  'product',
  'search',
  'cart',
  'checkout',
  'other',
] as const;

export const pageViewV1Schema = defineStorefrontEvent('page_view', {
  pageType: z.enum(pageTypes),
  categoryPath: categoryPathSchema.optional(),
});
export type PageViewV1 = z.infer<typeof pageViewV1Schema>;
