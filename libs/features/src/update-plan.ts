/**
 * Turns one storefront event into the feature-store update it causes, as plain data (no I/O). The
 * feature store applies plans atomically and at most once per event id; keeping the "what" here and
 * the "how" in the store lets every rule be unit-tested and keeps the store generic.
 */
import type { StorefrontEvent, StorefrontEventOf, StorefrontEventType } from '@recsys/contracts';
import { interactionWeights, type Behaviour, type Interaction } from './feature-spec';
import { normaliseCategoryPath } from './normalise';

export interface ItemTouch {
  itemId: string;
  /** Units bought/added (1 for views). */
  quantity: number;
  /** Unit price in the event, when it carries one. */
  price?: number;
}

export interface UpdatePlan {
  eventId: string;
  userKey: string;
  sessionId: string;
  timestampMs: number;
  behaviour: Behaviour;
  /** Items whose counters move with this behaviour. */
  items: ItemTouch[];
  /** Interaction strength for affinity, sequence and co-visitation; undefined = none. */
  interaction?: Interaction;
  /** Category path from the event itself (the catalogue's is used when absent). */
  categoryPath?: string[];
  revenue?: number;
  rating?: number;
  /** Recommendation request an impression or click belongs to: a click's negatives are its impression's other items. */
  requestId?: string;
  /** When true the store returns the features as they were before this event (training examples). */
  snapshot: boolean;
  /** The event's consent to personalisation, when it states one (the latest stated value wins). */
  personalization?: boolean;
}

/** Behaviours that produce labelled training examples: the user acted on an item. */
const LABELLED: ReadonlySet<Behaviour> = new Set(['view', 'cart', 'purchase', 'click']);

export function userKeyOf(event: StorefrontEvent): string {
  return event.userId ?? event.anonymousId ?? 'unknown';
}

export function updatePlanOf(event: StorefrontEvent): UpdatePlan {
  const facts = behaviourFacts(event);
  const optedOut = event.consent?.personalization === false;
  return {
    eventId: event.eventId,
    userKey: userKeyOf(event),
    sessionId: event.sessionId,
    timestampMs: Date.parse(event.timestamp),
    ...facts,
    // Opted-out users' events still count for items, but never become training data.
    snapshot: LABELLED.has(facts.behaviour) && !optedOut,
    ...(event.consent === undefined ? {} : { personalization: event.consent.personalization }),
  };
}

type BehaviourFacts = Omit<
  UpdatePlan,
  'eventId' | 'userKey' | 'sessionId' | 'timestampMs' | 'snapshot'
>;

/** One entry per event type: the compiler refuses a new event type until it is added here. */
const factsByType: { [T in StorefrontEventType]: (event: StorefrontEventOf<T>) => BehaviourFacts } =
  {
    page_view: (event) => ({ behaviour: 'page_view', items: [], ...category(event.categoryPath) }),
    product_view: (event) => ({
      behaviour: 'view',
      items: [touch(event.itemId, 1, event.price)],
      interaction: 'view',
      ...category(event.categoryPath),
    }),
    search: () => ({ behaviour: 'search', items: [] }),
    add_to_cart: (event) => ({
      behaviour: 'cart',
      items: [touch(event.itemId, event.quantity, event.price)],
      interaction: 'cart',
    }),
    remove_from_cart: (event) => ({
      behaviour: 'remove',
      items: [touch(event.itemId, event.quantity)],
    }),
    purchase: (event) => ({
      behaviour: 'purchase',
      items: event.items.map((line) => touch(line.itemId, line.quantity, line.price)),
      interaction: 'purchase',
      revenue: event.revenue,
    }),
    rating: (event) => ({
      behaviour: 'rating',
      items: [touch(event.itemId, 1)],
      rating: event.rating,
    }),
    review: (event) => ({
      behaviour: 'review',
      items: [touch(event.itemId, 1)],
      rating: event.stars,
    }),
    share: (event) => ({ behaviour: 'share', items: [touch(event.itemId, 1)] }),
    recommendation_impression: (event) => ({
      behaviour: 'impression',
      items: event.items.map((item) => touch(item.itemId, 1)),
      requestId: event.requestId,
    }),
    recommendation_click: (event) => ({
      behaviour: 'click',
      items: [touch(event.itemId, 1)],
      interaction: 'view',
      requestId: event.requestId,
    }),
  };

function behaviourFacts(event: StorefrontEvent): BehaviourFacts {
  return (factsByType[event.eventType] as (event: StorefrontEvent) => BehaviourFacts)(event);
}

function touch(itemId: string, quantity: number, price?: number): ItemTouch {
  return price === undefined ? { itemId, quantity } : { itemId, quantity, price };
}

function category(path: string[] | undefined): { categoryPath?: string[] } {
  return path === undefined ? {} : { categoryPath: normaliseCategoryPath(path) };
}

export function interactionWeight(interaction: Interaction | undefined): number {
  return interaction === undefined ? 0 : interactionWeights[interaction];
}
