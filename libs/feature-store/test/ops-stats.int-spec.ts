/** OpsStatsStore on a real Redis: whole-hash rewrites, the instance index, and silent instances left out. */
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import { OpsStatsStore, RedisConnection, opsStatsKeys, type PreprocessorOpsStats } from '../src';

const NOW = 1_800_000_000_000;

function stats(
  instance: string,
  updatedAtMs: number,
  overrides: Partial<PreprocessorOpsStats> = {},
): PreprocessorOpsStats {
  return {
    instance,
    startedAtMs: NOW - 60_000,
    updatedAtMs,
    eventsApplied: 10,
    deadLetters: 1,
    lastEventMs: NOW - 5_000,
    lastAppliedAtMs: NOW - 1_000,
    freshness: { p50Ms: 10, p99Ms: 40, samples: 50 },
    quality: {
      state: 'open',
      crossed: [],
      ratios: { invalid: 0.01, duplicate: 0, late: 0, unknown_item: 0 },
      thresholds: { invalid: 0.05, duplicate: 0.2, late: 0.1, unknown_item: 0.3 },
      minEvents: 100,
      eventsInWindow: 300,
      windowStartMs: NOW - 30_000,
      windowMs: 60_000,
    },
    ...overrides,
  };
}

describe('OpsStatsStore on a real Redis', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('ops-stats');
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  const store = new OpsStatsStore(redis);

  beforeAll(() => redis.connect());
  afterAll(() => redis.disconnect());

  it('reads back what instances wrote, most recently updated first, leaving silent ones out', async () => {
    await store.writePreprocessor(stats('pp-a', NOW - 2_000));
    await store.writePreprocessor(
      stats('pp-b', NOW - 1_000, { freshness: undefined, lastEventMs: undefined }),
    );
    await store.writePreprocessor(stats('pp-gone', NOW - 3_600_000));
    const read = await store.readPreprocessors({ activeWithinMs: 60_000, nowMs: NOW });
    expect(read.map((entry) => entry.instance)).toEqual(['pp-b', 'pp-a']);
    expect(read[1]).toEqual(stats('pp-a', NOW - 2_000));
    expect(read[0]).toMatchObject({ freshness: undefined, lastEventMs: undefined });
  });

  it('rewrites an instance whole: a field no longer reported disappears', async () => {
    await store.writePreprocessor(stats('pp-c', NOW));
    await store.writePreprocessor(
      stats('pp-c', NOW + 1_000, { quality: undefined, eventsApplied: 11 }),
    );
    const [latest] = await store.readPreprocessors({ activeWithinMs: 500, nowMs: NOW + 1_000 });
    expect(latest).toMatchObject({ instance: 'pp-c', eventsApplied: 11, quality: undefined });
    expect(await redis.client.pttl(opsStatsKeys.preprocessor('pp-c'))).toBeGreaterThan(
      23 * 3_600_000,
    );
  });
});
