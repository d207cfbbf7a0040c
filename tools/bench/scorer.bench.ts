/**
 * `npm run bench:scorer [-- --rate 500 --seconds 15 --users 3000 --items 3000]`
 * Scorer latency and throughput for top-10 from ≥ 100 candidates, as a storefront sees it (HTTP, the
 * scorer in its own process from the build output, a trained model served from the registry):
 *   1. seeds the feature store from a synthetic storefront (the preprocessor's own update plans and Lua
 *      script) and trains a sequence ranker on the point-in-time examples those updates produce;
 *   2. offers a fixed load (open loop: requests are sent on schedule whether or not earlier ones have
 *      answered, so a slow server cannot slow the offered rate) and reports p50/p95/p99 and the share of
 *      degraded answers;
 *   3. finds the closed-loop maximum (16 requests in flight) and reports req/s.
 */
import { performance } from 'node:perf_hooks';
import type { StorefrontEvent, TrainingExampleV1 } from '@recsys/contracts';
import { generateStorefront } from '@recsys/datasets';
import {
  FeatureStore,
  RedisConnection,
  RedisModelRegistry,
  defaultFeatureStoreSettings,
} from '@recsys/feature-store';
import { pseudonymiseUserId, trainingExamplesOf, updatePlanOf } from '@recsys/features';
import { ItemVocabulary, SequenceRanker, initialiseTensorflow } from '@recsys/model';
import { buildServices, serviceEnv, startServiceProcess, testNamespace } from '@recsys/testing';
import { numberOption, percentile, report, round, withInfrastructure } from './bench-support';

const SECRET = 'bench-scorer-pseudonymisation-secret';
const DAY_MS = 86_400_000;

async function seedStore(
  store: FeatureStore,
  options: { users: number; items: number },
): Promise<{ userIds: string[]; examples: TrainingExampleV1[] }> {
  const storefront = generateStorefront({
    seed: 3,
    users: options.users,
    items: options.items,
    categories: 40,
    days: 7,
    loggedOutShare: 0,
    startTime: new Date(Date.now() - 7 * DAY_MS - 3_600_000).toISOString(),
  });
  const examples: TrainingExampleV1[] = [];
  let batch: StorefrontEvent[] = [];
  const flush = async () => {
    const plans = batch.map((event) => ({ event, plan: updatePlanOf(event) }));
    const outcomes = await store.apply({ plans: plans.map(({ plan }) => ({ plan })) });
    outcomes.forEach((outcome, index) => {
      if (outcome.status !== 'applied' || outcome.snapshot === undefined) return;
      const { event, plan } = plans[index]!;
      examples.push(
        ...trainingExamplesOf({ event, plan, snapshot: outcome.snapshot, qualityFlagged: false }),
      );
    });
    batch = [];
  };
  for (const record of storefront.records()) {
    if (record.kind === 'item') await store.upsertItem(record.item);
    else batch.push({ ...record.event, userId: pseudonym(record.event.userId) });
    if (batch.length >= 500) await flush();
  }
  await flush();
  return { userIds: storefront.users.map((user) => user.userId), examples };
}

/** The collector would have pseudonymised the id; the scorer derives the same key to find the user. */
function pseudonym(userId: string | undefined): string | undefined {
  return userId === undefined ? undefined : pseudonymiseUserId(SECRET, userId);
}

async function trainAndPublish(
  registry: RedisModelRegistry,
  examples: TrainingExampleV1[],
): Promise<{ version: string; backend: string; examplesPerSecond: number }> {
  const { backend } = await initialiseTensorflow();
  const labelled = examples.map((example) => ({
    sequence: example.sequence,
    itemId: example.itemId,
    features: example.features,
    label: example.label,
  }));
  const featureNames = Object.keys(examples[0]!.features).sort();
  const ranker = SequenceRanker.create(
    {
      sequenceLength: 20,
      embeddingDim: 32,
      encoder: 'conv1d',
      hiddenUnits: [64, 32],
      learningRate: 0.003,
      featureNames,
    },
    ItemVocabulary.fromExamples(labelled),
  );
  const summary = await ranker.fit(labelled, { epochs: 2, batchSize: 256 });
  const version = `bench-${Date.now()}`;
  const createdAt = new Date().toISOString();
  const trainingWindow = { fromMs: 0, toMs: Date.now(), examples: labelled.length };
  const stamped = ranker.withMetadata({
    modelName: registry.modelName,
    version,
    featureSpecVersion: examples[0]!.featureSpecVersion,
    trainingWindow,
    metrics: {},
    createdAt,
  });
  await stamped.save(registry, version);
  await registry.register({
    version,
    kind: 'sequence_ranker',
    createdAt,
    featureSpecVersion: examples[0]!.featureSpecVersion,
    metrics: {},
    status: 'candidate',
    trainingWindow,
  });
  await registry.promote(version, 'first_model');
  return { version, backend, examplesPerSecond: summary.examplesPerSecond };
}

interface Sample {
  ms: number;
  ok: boolean;
  degraded: boolean;
  considered: number;
}

async function requestOnce(url: string): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await fetch(url);
    const body = (await response.json()) as { degraded?: boolean; candidatesConsidered?: number };
    return {
      ms: performance.now() - started,
      ok: response.status === 200,
      degraded: body.degraded === true,
      considered: body.candidatesConsidered ?? 0,
    };
  } catch {
    return { ms: performance.now() - started, ok: false, degraded: false, considered: 0 };
  }
}

async function openLoop(urls: () => string, rate: number, seconds: number): Promise<Sample[]> {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const pending: Array<Promise<Sample>> = [];
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1_000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(requestOnce(urls()));
  }
  return Promise.all(pending);
}

async function closedLoop(urls: () => string, inFlight: number, seconds: number) {
  const until = performance.now() + seconds * 1_000;
  let answered = 0;
  const lane = async () => {
    while (performance.now() < until) {
      await requestOnce(urls());
      answered += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return answered / seconds;
}

function summarise(samples: Sample[]) {
  const latencies = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  return {
    p50: round(percentile(latencies, 50), 2),
    p95: round(percentile(latencies, 95), 2),
    p99: round(percentile(latencies, 99), 2),
    errors: samples.filter((sample) => !sample.ok).length,
    degraded: samples.filter((sample) => sample.degraded).length,
    meanCandidates: round(
      samples.reduce((sum, sample) => sum + sample.considered, 0) / Math.max(1, samples.length),
      0,
    ),
  };
}

interface Load {
  rate: number;
  seconds: number;
}

async function measure(scorerUrl: string, userIds: string[], load: Load) {
  let next = 0;
  const urls = () => `${scorerUrl}/v1/recommendations/${userIds[next++ % userIds.length]}?k=10`;
  await closedLoop(urls, 4, 3); // warm-up: JIT, connections, the model's first predictions
  const open = summarise(await openLoop(urls, load.rate, load.seconds));
  const maximum = await closedLoop(urls, 16, Math.min(10, load.seconds));
  return { open, maximum };
}

async function main(): Promise<void> {
  const load = { rate: numberOption('rate', 500), seconds: numberOption('seconds', 15) };
  const size = { users: numberOption('users', 3_000), items: numberOption('items', 3_000) };
  await buildServices(['scorer']);
  await withInfrastructure(async (infrastructure) => {
    const namespace = testNamespace('bench-scorer');
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
    const store = new FeatureStore(redis, { ...defaultFeatureStoreSettings, negativeSamples: 2 });
    const seeded = await seedStore(store, size);
    process.stderr.write(
      `seeded ${size.users} users, ${size.items} items; ${seeded.examples.length} examples\n`,
    );
    const model = await trainAndPublish(new RedisModelRegistry(redis, 'ranker'), seeded.examples);
    process.stderr.write(`trained ${model.version} on ${model.backend}\n`);
    const scorer = await startServiceProcess({
      name: 'scorer',
      env: {
        ...serviceEnv(environment, namespace),
        LOG_LEVEL: 'warn',
        SCORER_PSEUDONYMISATION_SECRET: SECRET,
      },
      readyTimeoutMs: 60_000,
    });
    try {
      const { open, maximum } = await measure(scorer.url, seeded.userIds, load);
      report('bench-scorer', [
        ['offered load (req/s)', load.rate],
        ['duration (s)', load.seconds],
        ['latency p50 (ms)', open.p50],
        ['latency p95 (ms)', open.p95],
        ['latency p99 (ms)', open.p99],
        ['errors', open.errors],
        ['degraded answers (model late → sources order)', open.degraded],
        ['mean candidates ranked', open.meanCandidates],
        ['max throughput, 16 in flight (req/s)', round(maximum, 0)],
        ['model', `${model.version} (${model.backend})`],
        ['catalogue', `${size.items} items, ${size.users} users`],
      ]);
    } finally {
      await scorer.stop();
      await redis.disconnect();
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scorer failed: ${String(error)}\n`);
  process.exit(1);
});
