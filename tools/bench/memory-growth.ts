/**
 * Does Redis memory grow with users and items, or with traffic? A fixed population (20k users, 5k items
 * at full size) is replayed through the running preprocessor; Redis `used_memory` is read when a fifth
 * of the events were applied and again when all were. State that depends only on users and items is
 * complete after the first fifth (every user and item has been seen many times), so the ratio stays near
 * 1; a per-event key (a de-duplication marker, say) makes it grow towards 5.
 */
import type { FeatureStore, RedisConnection } from '@recsys/feature-store';
import type { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import { waitFor } from '@recsys/testing';
import { redisUsedMemory } from './cost-meters';
import { appliedSoFar, preload, preloadedOffsets, type Population } from './feature-events';

export interface MemoryGrowth {
  events: number;
  population: Population;
  /** used_memory (bytes) once a fifth of the events were applied. */
  afterFifthBytes: number;
  /** used_memory (bytes) once all were. */
  afterAllBytes: number;
  ratio: number;
}

export async function measureMemoryGrowth(options: {
  kafka: KafkaClient;
  publisher: KafkaPublisher;
  store: FeatureStore;
  redis: RedisConnection;
  events: number;
  population: Population;
}): Promise<MemoryGrowth> {
  const before = await preloadedOffsets(options.kafka);
  const startFrom = await appliedSoFar(options.store, before.partitions);
  const applied = async () => (await appliedSoFar(options.store, before.partitions)) - startFrom;
  // The preprocessor applies while the preload goes on; memory is read at the two marks it passes.
  const loading = preload(options.publisher, options.events, options.population);
  const memoryOnceApplied = (count: number) =>
    waitFor(async () => ((await applied()) >= count ? redisUsedMemory(options.redis) : undefined), {
      description: `the preprocessor to apply ${count} of the memory phase's events`,
      timeoutMs: 3_600_000,
      intervalMs: 100,
    });
  const afterFifthBytes = await memoryOnceApplied(Math.round(options.events / 5));
  await loading;
  const afterAllBytes = await memoryOnceApplied(options.events);
  return {
    events: options.events,
    population: options.population,
    afterFifthBytes,
    afterAllBytes,
    ratio: afterAllBytes / afterFifthBytes,
  };
}
