/**
 * The synthetic event stream of the feature benches: product views and add-to-carts of a fixed
 * population of users and items (a skewed item draw), preloaded into events.raw.v1, and how far the
 * preprocessor got through it (its stored offsets).
 */
import type { StorefrontEvent } from '@recsys/contracts';
import type { FeatureStore } from '@recsys/feature-store';
import type { KafkaClient, KafkaPublisher, OutgoingMessage } from '@recsys/kafka';

export interface Population {
  users: number;
  items: number;
  /** Distinguishes the event ids of one preload from another's. */
  label: string;
}

export const DEFAULT_POPULATION: Population = { users: 10_000, items: 5_000, label: 'bench' };

export function syntheticEvent(
  index: number,
  atMs: number,
  population: Population = DEFAULT_POPULATION,
): StorefrontEvent {
  const user = `bench-user-${(index * 2_654_435_761) % population.users}`;
  // A skewed item draw: low ids are far more popular, as on a real storefront.
  const itemId = `sku-${Math.floor(population.items * Math.pow((index * 0.618_033_988_7) % 1, 3))}`;
  const base = {
    eventId: `${population.label}-${atMs}-${index}`,
    schemaVersion: 1,
    userId: user,
    sessionId: `${user}-${Math.floor(index / 5_000)}`,
    timestamp: new Date(atMs).toISOString(),
    receivedAt: new Date(atMs).toISOString(),
  };
  if (index % 10 === 0)
    return {
      ...base,
      eventType: 'add_to_cart',
      itemId,
      quantity: 1,
      price: 25,
      currency: 'EUR',
    } as StorefrontEvent;
  return {
    ...base,
    eventType: 'product_view',
    itemId,
    price: 25,
    currency: 'EUR',
    categoryPath: [`cat-${itemId.length}`],
  } as StorefrontEvent;
}

export const toMessage = (event: StorefrontEvent): OutgoingMessage<'events.raw.v1'> => ({
  key: event.userId!,
  value: event,
});

export async function preload(
  publisher: KafkaPublisher,
  count: number,
  population: Population = DEFAULT_POPULATION,
): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < count; start += 1_000) {
    const size = Math.min(1_000, count - start);
    await publisher.publish(
      'events.raw.v1',
      Array.from({ length: size }, (_, offset) =>
        toMessage(syntheticEvent(start + offset, now, population)),
      ),
    );
  }
}

/** Each partition of events.raw.v1 and how many events the topic holds. */
export async function preloadedOffsets(
  kafka: KafkaClient,
): Promise<{ partitions: Array<{ topic: string; partition: number }>; total: number }> {
  const admin = kafka.kafka.admin();
  await admin.connect();
  try {
    const topic = kafka.topicName('events.raw.v1');
    const partitions = await admin.fetchTopicOffsets(topic);
    return {
      partitions: partitions.map(({ partition }) => ({ topic, partition })),
      total: partitions.reduce((sum, { high }) => sum + Number(high), 0),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Events the preprocessor applied so far: its stored offsets + 1, summed over the partitions. */
export async function appliedSoFar(
  store: FeatureStore,
  partitions: ReadonlyArray<{ topic: string; partition: number }>,
): Promise<number> {
  const stored = await Promise.all(
    partitions.map(({ topic, partition }) => store.storedOffset(topic, partition)),
  );
  return stored.reduce((sum, offset) => sum + Number(offset ?? -1) + 1, 0);
}
