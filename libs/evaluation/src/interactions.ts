/**
 * The offline unit of evaluation: one user touching one item at one instant. Built from contract
 * events (`StorefrontEvent`), so any dataset the platform imports can be evaluated the same way.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import { interactionWeights, itemIdsOf } from '@recsys/features';

export const interactionBehaviours = [
  'view',
  'cart',
  'purchase',
  'rating',
  'review',
  'click',
  'share',
] as const;
export type InteractionBehaviour = (typeof interactionBehaviours)[number];

export interface Interaction {
  /** The user, or the anonymous id for logged-out shoppers and session-only datasets. */
  readonly userKey: string;
  readonly itemId: string;
  readonly timeMs: number;
  readonly behaviour: InteractionBehaviour;
  /** Strength of the signal (view 1, cart 3, purchase 5 as in the serving features; others 1). */
  readonly weight: number;
}

const BEHAVIOUR_OF: Partial<Record<StorefrontEvent['eventType'], InteractionBehaviour>> = {
  product_view: 'view',
  add_to_cart: 'cart',
  purchase: 'purchase',
  rating: 'rating',
  review: 'review',
  recommendation_click: 'click',
  share: 'share',
};

const WEIGHT_OF: Readonly<Record<InteractionBehaviour, number>> = {
  view: interactionWeights.view,
  cart: interactionWeights.cart,
  purchase: interactionWeights.purchase,
  rating: 1,
  review: 1,
  click: 1,
  share: 1,
};

/**
 * The item interactions of events, in time order (stable: events at the same instant keep their
 * order). Page views, searches, impressions and cart removals say nothing about wanting an item and are
 * left out; a purchase of several lines gives one interaction per line.
 */
export function interactionsFromEvents(events: Iterable<StorefrontEvent>): Interaction[] {
  const interactions: Interaction[] = [];
  for (const event of events) {
    const behaviour = BEHAVIOUR_OF[event.eventType];
    const userKey = event.userId ?? event.anonymousId;
    if (behaviour === undefined || userKey === undefined) continue;
    const timeMs = Date.parse(event.timestamp);
    for (const itemId of new Set(itemIdsOf(event))) {
      interactions.push({ userKey, itemId, timeMs, behaviour, weight: WEIGHT_OF[behaviour] });
    }
  }
  return sortByTime(interactions);
}

/** A stable time sort (a copy; the input is left as it is). */
export function sortByTime<T extends { readonly timeMs: number }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((left, right) => left.item.timeMs - right.item.timeMs || left.index - right.index)
    .map(({ item }) => item);
}

/** Each user's interactions in time order. */
export function groupByUser(interactions: readonly Interaction[]): Map<string, Interaction[]> {
  const byUser = new Map<string, Interaction[]>();
  for (const interaction of interactions) {
    const list = byUser.get(interaction.userKey);
    if (list === undefined) byUser.set(interaction.userKey, [interaction]);
    else list.push(interaction);
  }
  return byUser;
}

/** Distinct item ids, in first-seen order. */
export function itemsOf(interactions: readonly Interaction[]): string[] {
  return [...new Set(interactions.map((interaction) => interaction.itemId))];
}
