/**
 * Deterministic storefront traffic for fault tests, and the check that every accepted event is counted
 * exactly once: what a ledger of accepted events implies (per user and per item: views, carts,
 * purchases; the popularity they add, over every shard) against what the feature store holds. A lost event
 * makes a stored count lower, an event counted twice makes one higher; either is a difference.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import { FeatureStore, featureKeys, type RedisConnection } from '@recsys/feature-store';
import { popularityWeights, pseudonymiseUserId } from '@recsys/features';

export const COUNTED_BEHAVIOURS = ['view', 'cart', 'purchase'] as const;
export type CountedBehaviour = (typeof COUNTED_BEHAVIOURS)[number];
export type BehaviourCounts = Record<CountedBehaviour, number>;

export interface TrafficShape {
  users: number;
  items: number;
  /** Time of event 0 (ms); event i happens at startMs + i * spacingMs. */
  startMs: number;
  spacingMs: number;
  /** Makes event ids unique to the test run. */
  idPrefix: string;
}

/** Event `index` of the stream: mostly views, every 10th a cart, every 25th a single-line purchase. */
export function storefrontEventAt(shape: TrafficShape, index: number): StorefrontEvent {
  const user = `shopper-${index % shape.users}`;
  const itemId = `sku-${(index * 7_919) % shape.items}`;
  const base = {
    eventId: `${shape.idPrefix}-${index}`,
    schemaVersion: 1 as const,
    userId: user,
    sessionId: `session-${index % shape.users}-${Math.floor(index / 2_000)}`,
    timestamp: new Date(shape.startMs + index * shape.spacingMs).toISOString(),
  };
  if (index % 10 === 3)
    return { ...base, eventType: 'add_to_cart', itemId, quantity: 1, price: 20, currency: 'EUR' };
  if (index % 25 === 7)
    return {
      ...base,
      eventType: 'purchase',
      orderId: `o-${shape.idPrefix}-${index}`,
      currency: 'EUR',
      revenue: 20,
      items: [{ itemId, quantity: 1, price: 20 }],
    };
  return {
    ...base,
    eventType: 'product_view',
    itemId,
    price: 20,
    currency: 'EUR',
  };
}

const BEHAVIOUR_OF: Partial<Record<StorefrontEvent['eventType'], CountedBehaviour>> = {
  product_view: 'view',
  add_to_cart: 'cart',
  purchase: 'purchase',
};

export interface FeatureCounts {
  users: Map<string, BehaviourCounts>;
  items: Map<string, BehaviourCounts>;
  /** Popularity of the counted items, summed over every shard (weights: libs/features). */
  popularity: number;
}

const zero = (): BehaviourCounts => ({ view: 0, cart: 0, purchase: 0 });

function itemIdsOf(event: StorefrontEvent): string[] {
  if ('items' in event && Array.isArray(event.items))
    return event.items.map((line: { itemId: string }) => line.itemId);
  return 'itemId' in event && typeof event.itemId === 'string' ? [event.itemId] : [];
}

/** What the feature store must hold after `events` (the accepted ones) were each applied once. */
export function expectedCounts(events: Iterable<StorefrontEvent>, secret: string): FeatureCounts {
  const users = new Map<string, BehaviourCounts>();
  const items = new Map<string, BehaviourCounts>();
  let popularity = 0;
  for (const event of events) {
    const behaviour = BEHAVIOUR_OF[event.eventType];
    if (behaviour === undefined || event.userId === undefined) continue;
    const userKey = pseudonymiseUserId(secret, event.userId);
    const user = users.get(userKey) ?? zero();
    user[behaviour] += 1;
    users.set(userKey, user);
    for (const itemId of itemIdsOf(event)) {
      const item = items.get(itemId) ?? zero();
      item[behaviour] += 1;
      items.set(itemId, item);
      popularity += popularityWeights[behaviour];
    }
  }
  return { users, items, popularity };
}

const COUNT_FIELDS = COUNTED_BEHAVIOURS.map((behaviour) => `n:${behaviour}`);

/** The counts of each user's profile (its packed state). */
async function readUserCounts(
  redis: RedisConnection,
  userKeys: readonly string[],
): Promise<Map<string, BehaviourCounts>> {
  const store = new FeatureStore(redis);
  const profiles = await Promise.all(
    userKeys.map(async (userKey) => (await store.readUser(userKey)).profile),
  );
  return new Map(
    userKeys.map((userKey, index) => {
      const profile = profiles[index]!;
      const count = (behaviour: string) => Number(profile[`n:${behaviour}`] ?? 0);
      return [userKey, { view: count('view'), cart: count('cart'), purchase: count('purchase') }];
    }),
  );
}

async function readCounts(
  redis: RedisConnection,
  keys: Map<string, string>,
): Promise<Map<string, BehaviourCounts>> {
  // One command per key: keys of different slots cannot share a pipeline on a Redis Cluster.
  const replies = await redis.run('read counts', (client) =>
    Promise.all([...keys.values()].map((key) => client.hmget(key, ...COUNT_FIELDS))),
  );
  const counts = new Map<string, BehaviourCounts>();
  [...keys.keys()].forEach((id, index) => {
    const fields = replies[index]!;
    counts.set(id, {
      view: Number(fields[0] ?? 0),
      cart: Number(fields[1] ?? 0),
      purchase: Number(fields[2] ?? 0),
    });
  });
  return counts;
}

/** The stored counts of the users and items `expected` names, and their popularity over the shards. */
export async function storedCounts(
  redis: RedisConnection,
  expected: FeatureCounts,
): Promise<FeatureCounts> {
  const itemKeys = new Map([...expected.items.keys()].map((id) => [id, featureKeys.item(id)]));
  const [users, items, popularity] = await Promise.all([
    readUserCounts(redis, [...expected.users.keys()]),
    readCounts(redis, itemKeys),
    storedPopularity(redis, new Set(expected.items.keys())),
  ]);
  return { users, items, popularity };
}

async function storedPopularity(redis: RedisConnection, itemIds: Set<string>): Promise<number> {
  const shards = await redis.run('read shards', (client) => client.smembers(featureKeys.shards()));
  const lists = await Promise.all(
    shards.map((shardId) =>
      redis.run('read popularity', (client) =>
        client.zrange(featureKeys.popularity(shardId), 0, -1, 'WITHSCORES'),
      ),
    ),
  );
  let total = 0;
  for (const flat of lists)
    for (let index = 0; index + 1 < flat.length; index += 2)
      if (itemIds.has(flat[index]!)) total += Number(flat[index + 1]);
  return total;
}

export interface CountDifferences {
  /** Behaviour counts below the ledger's, summed over users. */
  lost: number;
  /** Behaviour counts above the ledger's, summed over users. */
  doubled: number;
  /** Up to 20 readable differences (users, items, popularity). */
  examples: string[];
}

/** Compares per entity and behaviour; an empty `examples` means the store matches the ledger exactly. */
export function compareCounts(expected: FeatureCounts, stored: FeatureCounts): CountDifferences {
  const result: CountDifferences = { lost: 0, doubled: 0, examples: [] };
  const note = (line: string) => result.examples.length < 20 && result.examples.push(line);
  const compare = (scope: 'user' | 'item', wanted: Map<string, BehaviourCounts>) => {
    const found = scope === 'user' ? stored.users : stored.items;
    for (const [id, counts] of wanted) {
      for (const behaviour of COUNTED_BEHAVIOURS) {
        const delta = (found.get(id)?.[behaviour] ?? 0) - counts[behaviour];
        if (delta === 0) continue;
        if (scope === 'user') result[delta < 0 ? 'lost' : 'doubled'] += Math.abs(delta);
        note(
          `${scope} ${id} ${behaviour}: ledger ${counts[behaviour]}, stored ${counts[behaviour] + delta}`,
        );
      }
    }
  };
  compare('user', expected.users);
  compare('item', expected.items);
  if (expected.popularity !== stored.popularity)
    note(`popularity over the shards: ledger ${expected.popularity}, stored ${stored.popularity}`);
  return result;
}

/**
 * A stream of `events` spread over the last three hours, one user per 100 events (at least 50), 500
 * items: the traffic of the tests that kill the preprocessor or a Redis primary while events flow.
 */
export function threeHourShape(events: number, idPrefix: string): TrafficShape {
  const threeHoursMs = 3 * 3_600_000;
  return {
    users: Math.max(50, Math.floor(events / 100)),
    items: 500,
    startMs: Date.now() - threeHoursMs,
    spacingMs: Math.max(1, Math.floor(threeHoursMs / events)),
    idPrefix,
  };
}

/**
 * The store against a ledger: of the first `streamed` events of the stream, those the collector accepted
 * (ids in `accepted`) must each be counted exactly once.
 */
export async function checkAgainstLedger(
  redis: RedisConnection,
  ledger: {
    eventAt: (index: number) => StorefrontEvent;
    streamed: number;
    accepted: ReadonlySet<string>;
    secret: string;
  },
): Promise<{ expected: FeatureCounts; differences: CountDifferences }> {
  const acceptedEvents: StorefrontEvent[] = [];
  for (let index = 0; index < ledger.streamed; index += 1) {
    const event = ledger.eventAt(index);
    if (ledger.accepted.has(event.eventId)) acceptedEvents.push(event);
  }
  const expected = expectedCounts(acceptedEvents, ledger.secret);
  return { expected, differences: compareCounts(expected, await storedCounts(redis, expected)) };
}
