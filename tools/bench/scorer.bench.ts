/**
 * `npm run bench:scorer [-- --rate 500 --seconds 15 --users 3000 --items 3000 --epochs 2 --json <file>]`
 * Scorer latency and throughput for top-10 from ≥ 100 candidates, as a storefront sees it (HTTP, the
 * scorer in its own process from the build output, a trained model served from the registry):
 *   1. seeds the feature store from a synthetic storefront (the preprocessor's own update plans and Lua
 *      script) and trains a sequence ranker on the point-in-time examples those updates produce;
 *   2. finds the closed-loop maximum (16 requests in flight; median of three windows) and reports req/s — before the open loop,
 *      whose backlog (when it offers more than the scorer answers) would otherwise still be draining;
 *   3. offers a fixed load (open loop: requests are sent on schedule whether or not earlier ones have
 *      answered, so a slow server cannot slow the offered rate) and reports p50/p95/p99 and the share of
 *      degraded answers.
 * Impressions are logged as in production (SCORER_LOG_IMPRESSIONS on).
 */
import { performance } from 'node:perf_hooks';
import {
  FeatureStore,
  RedisConnection,
  RedisModelRegistry,
  defaultFeatureStoreSettings,
} from '@recsys/feature-store';
import { buildServices, serviceEnv, testNamespace } from '@recsys/testing';
import { figure, type BenchResult } from './bench-result';
import {
  latencySummary,
  median,
  numberOption,
  report,
  round,
  runBench,
  startService,
  withInfrastructure,
} from './bench-support';
import {
  BENCH_PSEUDONYMISATION_SECRET,
  seedStore,
  trainAndPublish,
  type PublishedModel,
} from './seeded-shop';

interface Sample {
  ms: number;
  ok: boolean;
  /** What went wrong when not ok: `HTTP 503`, or the client's error code (e.g. a connect timeout). */
  error: string | undefined;
  /** Why the answer was served without the model's order (model late, feature store late…). */
  degradedReason: string | undefined;
  /** Candidates ranked; undefined for a fallback answer that ranked none. */
  considered: number | undefined;
  /** The scorer's own time for the request (its `timings.totalMs`), without HTTP and client. */
  serverMs: number | undefined;
}

async function requestOnce(url: string): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await fetch(url);
    const body = (await response.json()) as {
      degraded?: boolean;
      degradedReason?: string;
      candidatesConsidered?: number;
      timings?: { totalMs?: number };
    };
    return {
      ms: performance.now() - started,
      ok: response.status === 200,
      error: response.status === 200 ? undefined : `HTTP ${response.status}`,
      degradedReason: body.degraded === true ? (body.degradedReason ?? 'unknown') : undefined,
      considered: body.candidatesConsidered,
      serverMs: body.timings?.totalMs,
    };
  } catch (error) {
    return {
      ms: performance.now() - started,
      ok: false,
      error: errorKind(error),
      degradedReason: undefined,
      considered: undefined,
      serverMs: undefined,
    };
  }
}

/** The undici code of a failed fetch (its cause), else the error's name. */
function errorKind(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** Sends on schedule whatever the answers do; returns the samples and the answered rate. */
async function openLoop(
  urls: () => string,
  load: Load,
): Promise<{ samples: Sample[]; answeredPerSecond: number }> {
  const total = Math.round(load.rate * load.seconds);
  const started = performance.now();
  const pending: Array<Promise<Sample>> = [];
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1_000) / load.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(requestOnce(urls()));
  }
  const samples = await Promise.all(pending);
  return { samples, answeredPerSecond: (total * 1_000) / (performance.now() - started) };
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

/** "12 ranker_timeout, 3 deadline_exceeded"; "none" when there is nothing to count. */
function countsOf(values: ReadonlyArray<string | undefined>): string {
  const counts = new Map<string, number>();
  for (const value of values)
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} ${value}`).join(', ') || 'none';
}

function summarise(samples: Sample[]) {
  const considered = samples.flatMap((sample) => (sample.ok ? (sample.considered ?? []) : []));
  return {
    latency: latencySummary(samples.map((sample) => sample.ms)),
    server: latencySummary(samples.flatMap((sample) => sample.serverMs ?? [])),
    errors: samples.filter((sample) => !sample.ok).length,
    degraded: countsOf(samples.map((sample) => sample.degradedReason)),
    errorKinds: countsOf(samples.map((sample) => sample.error)),
    unranked: samples.filter((sample) => sample.ok && sample.considered === undefined).length,
    minCandidates: considered.length === 0 ? Number.NaN : Math.min(...considered),
    meanCandidates: considered.reduce((sum, value) => sum + value, 0) / considered.length,
  };
}

interface Load {
  rate: number;
  seconds: number;
}

async function measure(scorerUrl: string, userIds: string[], load: Load) {
  let next = 0;
  const urls = () => `${scorerUrl}/v1/recommendations/${userIds[next++ % userIds.length]}?k=10`;
  // Warm-up, long enough for the JIT to settle on the hot paths at full concurrency (3 s left the
  // maximum below its value after a long open loop), the connections and the model's first predictions.
  await closedLoop(urls, 16, 10);
  // The maximum first: after an open loop above capacity, its backlog would still be draining.
  // The median of three windows: one window's figure varied by about ±20 % between runs.
  const windows: number[] = [];
  const windowSeconds = Math.max(1, Math.min(5, load.seconds / 3));
  for (let index = 0; index < 3; index += 1)
    windows.push(await closedLoop(urls, 16, windowSeconds));
  const maximum = { perSecond: median(windows), windows };
  const { samples, answeredPerSecond } = await openLoop(urls, load);
  return { open: summarise(samples), answeredPerSecond, maximum };
}

type Measured = Awaited<ReturnType<typeof measure>>;

function latencyFigures(open: Measured['open'], rate: number) {
  const at = `at ${rate} req/s offered`;
  const ms = (value: number) => ({ value: round(value, 1), unit: 'ms' });
  return [
    figure('scorer.latency.p50', `scorer top-10 latency p50, ${at}`, {
      ...ms(open.latency.p50),
      note: `${open.latency.count} requests, open loop over HTTP`,
    }),
    figure('scorer.latency.p95', `scorer top-10 latency p95, ${at}`, ms(open.latency.p95)),
    figure('scorer.latency.p99', `scorer top-10 latency p99, ${at}`, {
      ...ms(open.latency.p99),
      detail: `server-side p99 ${round(open.server.p99, 1)} ms`,
      note: "client, HTTP and queueing included; server-side = the scorer's own timings",
    }),
  ];
}

function resultOf(input: {
  measured: Measured;
  load: Load;
  size: BenchResult['size'];
  model: PublishedModel;
  startedAt: string;
}): BenchResult {
  const { open, answeredPerSecond, maximum } = input.measured;
  return {
    bench: 'scorer',
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    size: input.size,
    figures: [
      figure('scorer.offeredRate', 'scorer offered load (open loop)', {
        value: input.load.rate,
        unit: 'req/s',
        detail: `answered ${round(answeredPerSecond, 0)} req/s`,
      }),
      ...latencyFigures(open, input.load.rate),
      figure('scorer.errors', 'scorer errors (non-200 or no answer)', {
        value: open.errors,
        unit: 'requests',
        detail: `${open.errorKinds}; degraded answers: ${open.degraded}`,
      }),
      figure('scorer.candidates.min', 'candidates ranked per request (minimum)', {
        value: open.minCandidates,
        unit: 'candidates',
        detail: `mean ${round(open.meanCandidates, 0)}; ${open.unranked} fallback answers ranked none`,
      }),
      figure('scorer.maxThroughput', 'scorer max throughput, 16 in flight', {
        value: round(maximum.perSecond, 0),
        unit: 'req/s',
        detail: `median of 3 windows: ${maximum.windows.map((value) => round(value, 0)).join(', ')}`,
        note: 'closed loop; the load generator shares the cores',
      }),
    ],
    notes: [`model ${input.model.version} (Conv1D) on ${input.model.backend}`],
  };
}

async function main(): Promise<void> {
  const load = { rate: numberOption('rate', 500), seconds: numberOption('seconds', 15) };
  const size = {
    users: numberOption('users', 3_000),
    items: numberOption('items', 3_000),
    epochs: numberOption('epochs', 2),
  };
  const startedAt = new Date().toISOString();
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
    const model = await trainAndPublish(new RedisModelRegistry(redis, 'ranker'), {
      examples: seeded.examples,
      epochs: size.epochs,
    });
    process.stderr.write(`trained ${model.version} on ${model.backend}\n`);
    const scorer = await startService({
      name: 'scorer',
      env: {
        ...serviceEnv(environment, namespace),
        LOG_LEVEL: 'warn',
        SCORER_PSEUDONYMISATION_SECRET: BENCH_PSEUDONYMISATION_SECRET,
      },
      readyTimeoutMs: 60_000,
    });
    try {
      const measured = await measure(scorer.url, seeded.userIds, load);
      report(resultOf({ measured, load, size: { ...size, ...load }, model, startedAt }));
    } finally {
      await scorer.stop();
      await redis.disconnect();
    }
  });
}

runBench('scorer', main);
