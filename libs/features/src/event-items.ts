/** The items an event is about, in the order they matter for sequences and co-visitation. */
import type { StorefrontEvent, StorefrontEventOf, StorefrontEventType } from '@recsys/contracts';

const single = (event: { itemId: string }): string[] => [event.itemId];

/** One entry per event type: the compiler refuses a new event type until it is added here. */
const itemsByType: { [T in StorefrontEventType]: (event: StorefrontEventOf<T>) => string[] } = {
  page_view: () => [],
  product_view: single,
  search: (event) => event.resultItemIds,
  add_to_cart: single,
  remove_from_cart: single,
  purchase: (event) => event.items.map((line) => line.itemId),
  rating: single,
  review: single,
  share: single,
  recommendation_impression: (event) => event.items.map((item) => item.itemId),
  recommendation_click: single,
};

export function itemIdsOf(event: StorefrontEvent): string[] {
  return (itemsByType[event.eventType] as (event: StorefrontEvent) => string[])(event);
}
