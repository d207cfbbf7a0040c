/**
 * `npm run bench:e2e [-- --samples 100 --users 3000 --items 3000 --background 100 --json <file>]`
 * End-to-end freshness: an event posted to the collector → the scorer's recommendations for that shopper
 * changed, with collector, preprocessor and scorer each in its own process (built output) on one Kafka
 * and Redis, a week of storefront history in the feature store and a trained champion model:
 *   - each sample is a new shopper viewing one item that has co-visitation neighbours (e2e-probe.ts); the
 *     recommendations change when the view is in the features (personalised list, new candidates);
 *   - the scorer is polled every `--poll-ms` with the same request id, so an unchanged state gives the
 *     same list; a sample counts until the changed answer arrives (an upper bound by one request);
 *   - `--background` events/s of other shoppers flow through the collector meanwhile.
 * Impression logging is off in the scorer: the probe's polling would otherwise log hundreds of
 * impressions, whose "shown without a click" counts change the list by themselves.
 */
import { FeatureStore, RedisConnection, RedisModelRegistry } from '@recsys/feature-store';
import { buildServices, serviceEnv, testNamespace, type ServiceProcess } from '@recsys/testing';
import { figure, type BenchResult } from './bench-result';
import {
  countOption,
  latencySummary,
  numberOption,
  report,
  round,
  runBench,
  startService,
  withInfrastructure,
} from './bench-support';
import {
  BENCH_WRITE_KEY,
  BackgroundTraffic,
  probeOnce,
  type Anchor,
  type ProbeOutcome,
} from './e2e-probe';
import { BENCH_PSEUDONYMISATION_SECRET, seedStore, trainAndPublish } from './seeded-shop';

interface Size {
  samples: number;
  users: number;
  items: number;
  epochs: number;
  background: number;
  pollMs: number;
  timeoutMs: number;
}

function sizeOf(): Size {
  return {
    samples: numberOption('samples', 100),
    users: numberOption('users', 3_000),
    items: numberOption('items', 3_000),
    epochs: numberOption('epochs', 2),
    background: countOption('background', 100),
    pollMs: numberOption('poll-ms', 10),
    timeoutMs: numberOption('timeout-ms', 15_000),
  };
}

async function startServices(shared: Record<string, string>): Promise<ServiceProcess[]> {
  const started: ServiceProcess[] = [];
  const envs = {
    collector: {
      COLLECTOR_WRITE_KEYS: JSON.stringify([
        { storefront: 'bench', key: BENCH_WRITE_KEY, allowedOrigins: [] },
      ]),
      COLLECTOR_PSEUDONYMISATION_SECRET: BENCH_PSEUDONYMISATION_SECRET,
      COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '1000000',
    },
    preprocessor: {},
    scorer: {
      SCORER_PSEUDONYMISATION_SECRET: BENCH_PSEUDONYMISATION_SECRET,
      SCORER_LOG_IMPRESSIONS: 'false',
    },
  };
  try {
    // One after the other, as a deployment's topic job would have created the topics first.
    for (const [name, env] of Object.entries(envs) as Array<[keyof typeof envs, object]>)
      started.push(
        await startService({ name, env: { ...shared, ...env }, readyTimeoutMs: 60_000 }),
      );
    return started;
  } catch (error) {
    await Promise.all(started.map((service) => service.stop()));
    throw error;
  }
}

/** Catalogue items with ≥ 5 co-visitation neighbours: a view of one gives a new shopper candidates. */
async function anchorsOf(
  store: FeatureStore,
  items: ReadonlyArray<{ itemId: string; categoryPath: string[] }>,
): Promise<Anchor[]> {
  const anchors: Anchor[] = [];
  for (const item of items.slice(0, 400)) {
    if ((await store.coVisitation(item.itemId, 5)).length >= 5)
      anchors.push({ itemId: item.itemId, categoryPath: item.categoryPath });
  }
  if (anchors.length === 0) throw new Error('no catalogue item has 5 co-visitation neighbours');
  return anchors;
}

function resultOf(input: {
  outcomes: ProbeOutcome[];
  size: Size;
  backgroundRate: number;
  startedAt: string;
  modelVersion: string;
}): BenchResult {
  const { outcomes, size } = input;
  const changed = outcomes.flatMap((outcome) => outcome.changedMs ?? []);
  const misses = outcomes.length - changed.length;
  // A miss counts as "later than anything measured", so it can only raise the percentiles.
  const freshness = latencySummary([...changed, ...Array<number>(misses).fill(Infinity)]);
  const accepted = latencySummary(outcomes.map((outcome) => outcome.acceptedMs));
  const attributed = outcomes.filter((outcome) => outcome.attributed).length;
  const ms = (value: number) => ({ value: round(value, 0), unit: 'ms' });
  return {
    bench: 'e2e',
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    size: { ...size, backgroundAccepted: round(input.backgroundRate, 0) },
    figures: [
      figure('e2e.freshness.p50', 'event posted → recommendations changed p50', {
        ...ms(freshness.p50),
        note: `collector → Kafka → preprocessor → Redis → scorer; polled every ${size.pollMs} ms`,
      }),
      figure('e2e.freshness.p99', 'event posted → recommendations changed p99', {
        ...ms(freshness.p99),
        detail: `max ${round(freshness.max, 0)} ms`,
        note: `background ${round(input.backgroundRate, 0)} events/s through the collector`,
      }),
      figure('e2e.samples', 'end-to-end samples whose recommendations changed', {
        value: changed.length,
        unit: 'samples',
        detail: `${misses} unchanged after ${size.timeoutMs} ms; ${attributed} with a co-visitation or category item`,
      }),
      figure('e2e.accepted.p50', 'event posted → collector 202 (on Kafka) p50', ms(accepted.p50)),
    ],
    notes: [
      `model ${input.modelVersion}; scorer impression logging off (polling would log its own)`,
    ],
  };
}

async function measure(input: {
  urls: { collectorUrl: string; scorerUrl: string };
  anchors: Anchor[];
  userIds: string[];
  size: Size;
}) {
  const { size, anchors } = input;
  const background = new BackgroundTraffic(input.urls.collectorUrl, {
    userIds: input.userIds,
    anchors,
    eventsPerSecond: size.background,
  });
  const context = {
    ...input.urls,
    runId: Date.now().toString(36),
    pollIntervalMs: size.pollMs,
    timeoutMs: size.timeoutMs,
  };
  background.start();
  const outcomes: ProbeOutcome[] = [];
  let backgroundRate = 0;
  try {
    for (let index = 0; index < size.samples; index += 1)
      outcomes.push(await probeOnce(context, { index, anchor: anchors[index % anchors.length]! }));
  } finally {
    backgroundRate = await background.stop();
  }
  return { outcomes, backgroundRate };
}

async function main(): Promise<void> {
  const size = sizeOf();
  const startedAt = new Date().toISOString();
  await buildServices(['collector', 'preprocessor', 'scorer']);
  await withInfrastructure(async (infrastructure) => {
    const namespace = testNamespace('bench-e2e');
    const environment = {
      kafkaBrokers: [infrastructure.kafka.address],
      redisUrl: infrastructure.redis.address,
    };
    const redis = new RedisConnection({
      url: environment.redisUrl,
      keyPrefix: namespace.redisKeyPrefix,
      connectTimeoutMs: 2_000,
    });
    await redis.connect();
    const store = new FeatureStore(redis);
    const seeded = await seedStore(store, size);
    const model = await trainAndPublish(new RedisModelRegistry(redis, 'ranker'), {
      examples: seeded.examples,
      epochs: size.epochs,
    });
    const anchors = await anchorsOf(store, seeded.storefront.items);
    process.stderr.write(
      `seeded ${size.users} users, ${size.items} items (${anchors.length} anchors); model ${model.version} on ${model.backend}\n`,
    );
    const services = await startServices({
      ...serviceEnv(environment, namespace),
      LOG_LEVEL: 'warn',
    });
    try {
      const [collector, , scorer] = services as [ServiceProcess, ServiceProcess, ServiceProcess];
      const urls = { collectorUrl: collector.url, scorerUrl: scorer.url };
      const measured = await measure({ urls, anchors, userIds: seeded.userIds, size });
      report(resultOf({ ...measured, size, startedAt, modelVersion: model.version }));
    } finally {
      await Promise.all(services.map((service) => service.stop()));
      await redis.disconnect();
    }
  });
}

runBench('e2e', main);
