/**
 * Every storefront event the collector accepts, as one union discriminated by `eventType`.
 * Adding an event type is additive; changing one means a new `schemaVersion` and schema file.
 */
import { z } from 'zod';
import { addToCartV1Schema } from './events/add-to-cart.v1';
import { pageViewV1Schema } from './events/page-view.v1';
import { productViewV1Schema } from './events/product-view.v1';
import { purchaseV1Schema } from './events/purchase.v1';
import { ratingV1Schema } from './events/rating.v1';
import { recommendationClickV1Schema } from './events/recommendation-click.v1';
import { recommendationImpressionV1Schema } from './events/recommendation-impression.v1';
import { removeFromCartV1Schema } from './events/remove-from-cart.v1';
import { reviewV1Schema } from './events/review.v1';
import { searchV1Schema } from './events/search.v1';
import { shareV1Schema } from './events/share.v1';

export const storefrontEventSchemas = {
  page_view: pageViewV1Schema,
  product_view: productViewV1Schema,
  search: searchV1Schema,
  add_to_cart: addToCartV1Schema,
  remove_from_cart: removeFromCartV1Schema,
  purchase: purchaseV1Schema,
  rating: ratingV1Schema,
  review: reviewV1Schema,
  share: shareV1Schema,
  recommendation_impression: recommendationImpressionV1Schema,
  recommendation_click: recommendationClickV1Schema,
} as const;

export type StorefrontEventType = keyof typeof storefrontEventSchemas;
export const storefrontEventTypes = Object.keys(storefrontEventSchemas) as StorefrontEventType[];

export const storefrontEventSchema = z.discriminatedUnion('eventType', [
  pageViewV1Schema,
  productViewV1Schema,
  searchV1Schema,
  addToCartV1Schema,
  removeFromCartV1Schema,
  purchaseV1Schema,
  ratingV1Schema,
  reviewV1Schema,
  shareV1Schema,
  recommendationImpressionV1Schema,
  recommendationClickV1Schema,
]);
export type StorefrontEvent = z.infer<typeof storefrontEventSchema>;
export type StorefrontEventOf<T extends StorefrontEventType> = Extract<
  StorefrontEvent,
  { eventType: T }
>;

/** The partition key of `events.raw.v1`: one user's events stay in order on one partition. */
export function storefrontEventKey(event: Pick<StorefrontEvent, 'userId' | 'anonymousId'>): string {
  const key = event.userId ?? event.anonymousId;
  if (key === undefined) throw new Error('storefront event without userId or anonymousId');
  return key;
}
