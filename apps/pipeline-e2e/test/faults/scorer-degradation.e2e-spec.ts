/**
 * Chaos, serving: shoppers keep asking the scorer (its own process) for recommendations while
 *   (a) a newly trained model is promoted (hot swap),
 *   (b) Redis becomes slow (a latency proxy between scorer and Redis adds 50–200 ms per chunk),
 *   (c) Redis becomes unreachable — first a partition that swallows packets, then refused connections.
 * Every request must answer 200 within the scorer's request deadline, with a list; while the feature store
 * cannot answer in time it is the fallback list, marked `degraded` with a reason. No 5xx. Once Redis is
 * back, personalised, model-ranked answers return by themselves. Latency percentiles per phase are
 * reported.
 */
import { generateStorefront, replayRecords } from '@recsys/datasets';
import {
  buildServices,
  FaultProxy,
  faultSettings,
  reportFaultFigures,
  startPrivateInfrastructure,
  summariseLatencies,
  testNamespace,
  waitFor,
  type PrivateInfrastructure,
  type ServiceProcess,
} from '@recsys/testing';
import {
  collectorEnv,
  faultServiceEnv,
  FAULT_ADMIN_TOKEN,
  FAULT_SECRET,
  FAULT_WRITE_KEY,
  openStoreReader,
  preprocessorEnv,
  startServicesTogether,
  type FaultTarget,
  type StoreReader,
} from './fault-services';

const settings = faultSettings();
const DAY_MS = 86_400_000;
/** The scorer's whole-request deadline and its ranker's share of it, as configured below. */
const REQUEST_DEADLINE_MS = 600;
const RANKER_TIMEOUT_MS = 300;

interface Served {
  status: number;
  ms: number;
  items: number;
  degraded: boolean;
  degradedReason?: string;
  modelVersion?: string;
  personalized?: boolean;
}

type Phase =
  'steady' | 'model_swap' | 'slow_redis' | 'redis_stalled' | 'redis_refused' | 'recovered';

const storefront = generateStorefront({
  seed: 23,
  users: 80,
  items: 150,
  categories: 8,
  days: 4,
  sessionsPerUserPerDay: 1.5,
  loggedOutShare: 0,
  startTime: new Date(Date.now() - 4 * DAY_MS - 3_600_000).toISOString(),
});

describe('scorer under a model swap, a slow Redis and an unreachable Redis', () => {
  const namespace = testNamespace('fault-scorer');
  let infrastructure: PrivateInfrastructure;
  let target: FaultTarget;
  let reader: StoreReader;
  let redisProxy: FaultProxy;
  const services: Partial<
    Record<'collector' | 'preprocessor' | 'trainer' | 'scorer', ServiceProcess>
  > = {};
  const url = (name: keyof typeof services) => services[name]!.url;

  beforeAll(async () => {
    await buildServices(['collector', 'preprocessor', 'trainer', 'scorer']);
    infrastructure = await startPrivateInfrastructure('scorer-degradation');
    target = { environment: infrastructure.environment, namespace };
    reader = await openStoreReader(target);
    redisProxy = await FaultProxy.start({ port: infrastructure.redis.port });
    // Two at a time: the ingestion half, then the model half (each pair creates the topics it needs).
    [services.collector, services.preprocessor] = await startServicesTogether([
      { name: 'collector', env: collectorEnv(target) },
      {
        name: 'preprocessor',
        env: preprocessorEnv(target, { PREPROCESSOR_LATE_AFTER_SECONDS: '2592000' }),
      },
    ]);
    [services.trainer, services.scorer] = await startServicesTogether([
      {
        name: 'trainer',
        env: {
          ...faultServiceEnv(target),
          TRAINER_MIN_EXAMPLES: '300',
          TRAINER_RETRAIN_AFTER_EXAMPLES: '10000000',
          TRAINER_RETRAIN_INTERVAL_SECONDS: '604800',
          TRAINER_EPOCHS: '2',
          TRAINER_EMBEDDING_DIM: '8',
        },
        readyTimeoutMs: 120_000,
      },
      {
        name: 'scorer',
        env: {
          ...faultServiceEnv(target),
          REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
          SCORER_PSEUDONYMISATION_SECRET: FAULT_SECRET,
          SCORER_RANKER_TIMEOUT_MS: String(RANKER_TIMEOUT_MS),
          SCORER_REQUEST_DEADLINE_MS: String(REQUEST_DEADLINE_MS),
          SCORER_FALLBACK_REFRESH_MS: '2000',
          // A few shoppers asking many times a second would soon have seen every item three times
          // without a click (the scorer then filters them all out): no impressions fed back here.
          SCORER_LOG_IMPRESSIONS: 'false',
        },
        readyTimeoutMs: 120_000,
      },
    ]);
  }, 600_000);

  afterAll(async () => {
    await Promise.allSettled(Object.values(services).map((service) => service?.stop()));
    await reader?.close();
    await redisProxy?.close();
    await infrastructure?.stop();
  }, 120_000);

  async function adminPost<T>(path: string): Promise<T> {
    const response = await fetch(`${url('trainer')}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAULT_ADMIN_TOKEN}` },
    });
    const body = (await response.json()) as T;
    if (!response.ok)
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  async function windowExamples(): Promise<number> {
    const response = await fetch(`${url('trainer')}/v1/models`);
    return ((await response.json()) as { window: { examples: number } }).window.examples;
  }

  async function champion(): Promise<string | undefined> {
    const response = await fetch(`${url('trainer')}/v1/models`);
    return ((await response.json()) as { champion?: string }).champion;
  }

  /** Trains two versions; the first is made champion (by hand if it did not beat the baseline). */
  async function trainTwoModels(): Promise<{ serving: string; next: string }> {
    const first = await adminPost<{ version: string }>('/v1/models/train');
    if ((await champion()) !== first.version)
      await adminPost(`/v1/models/${first.version}/promote`);
    const second = await adminPost<{ version: string }>('/v1/models/train');
    const serving = (await champion())!;
    return { serving, next: serving === first.version ? second.version : first.version };
  }

  async function ask(userId: string): Promise<Served> {
    const started = performance.now();
    try {
      const response = await fetch(`${url('scorer')}/v1/recommendations/${userId}?k=10`, {
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as Omit<Served, 'status' | 'ms' | 'items'> & {
        items?: unknown[];
      };
      return {
        status: response.status,
        ms: performance.now() - started,
        items: body.items?.length ?? 0,
        degraded: body.degraded,
        ...(body.degradedReason === undefined ? {} : { degradedReason: body.degradedReason }),
        ...(body.modelVersion === undefined ? {} : { modelVersion: body.modelVersion }),
        ...(body.personalized === undefined ? {} : { personalized: body.personalized }),
      };
    } catch {
      return { status: 0, ms: performance.now() - started, items: 0, degraded: false };
    }
  }

  const answers: Record<Phase, Served[]> = {
    steady: [],
    model_swap: [],
    slow_redis: [],
    redis_stalled: [],
    redis_refused: [],
    recovered: [],
  };

  /** Keeps `concurrency` shoppers asking while `during` runs; the answers go to the phase. */
  async function underTraffic<T>(phase: Phase, during: () => Promise<T>): Promise<T> {
    const shoppers = storefront.users.map((user) => user.userId);
    let running = true;
    let next = 0;
    const shopper = async () => {
      while (running) answers[phase].push(await ask(shoppers[next++ % shoppers.length]!));
    };
    const traffic = Array.from({ length: settings.scorerConcurrency }, shopper);
    try {
      return await during();
    } finally {
      running = false;
      await Promise.all(traffic);
    }
  }

  const phaseTime = () => new Promise((resolve) => setTimeout(resolve, settings.scorerPhaseMs));

  it(
    'answers every request with a list within its deadline, degraded while Redis cannot answer',
    async () => {
      const replay = await replayRecords({
        collectorUrl: url('collector'),
        records: storefront.records(),
        writeKey: FAULT_WRITE_KEY,
        batchSize: 300,
      });
      expect(replay.events.rejected).toBe(0);
      await waitFor(async () => ((await windowExamples()) >= 300 ? true : undefined), {
        description: 'training examples reaching the trainer',
        timeoutMs: 120_000,
        intervalMs: 500,
      });
      await waitFor(async () => ((await reader.progress()).lag === 0 ? true : undefined), {
        description: 'features of the replayed storefront in Redis',
        timeoutMs: 120_000,
        intervalMs: 500,
      });
      const models = await trainTwoModels();
      await waitFor(
        async () =>
          (await ask(storefront.users[0]!.userId)).modelVersion === models.serving
            ? true
            : undefined,
        { description: `the scorer serving ${models.serving}`, timeoutMs: 60_000, intervalMs: 250 },
      );

      await underTraffic('steady', phaseTime);
      const swapMs = await underTraffic('model_swap', async () => {
        await phaseTime();
        const promotedAt = Date.now();
        await adminPost(`/v1/models/${models.next}/promote`);
        await waitFor(
          () => (answers.model_swap.at(-1)?.modelVersion === models.next ? true : undefined),
          { description: `the scorer serving ${models.next}`, timeoutMs: 60_000, intervalMs: 50 },
        );
        const swappedAfterMs = Date.now() - promotedAt;
        await phaseTime();
        return swappedAfterMs;
      });

      redisProxy.setLatency({ minMs: 50, maxMs: 200 });
      await underTraffic('slow_redis', phaseTime);
      redisProxy.setLatency({ minMs: 0, maxMs: 0 });
      redisProxy.setMode('stall');
      await underTraffic('redis_stalled', phaseTime);
      redisProxy.setMode('reset');
      const readyWithoutRedis = await underTraffic('redis_refused', async () => {
        await phaseTime();
        return (await fetch(`${url('scorer')}/health/ready`)).status;
      });
      redisProxy.setMode('pass');
      const healedAt = Date.now();
      const recoveryMs = await underTraffic('recovered', async () => {
        await waitFor(
          () => {
            const last = answers.recovered.at(-1);
            return last !== undefined && !last.degraded && last.personalized === true
              ? true
              : undefined;
          },
          {
            description: 'personalised, model-ranked answers again',
            timeoutMs: 60_000,
            intervalMs: 50,
          },
        );
        const recovered = Date.now() - healedAt;
        await phaseTime();
        return recovered;
      });

      const figures = Object.fromEntries(
        Object.entries(answers).map(([phase, served]) => [phase, phaseFigures(served)]),
      );
      reportFaultFigures('scorer-degradation', {
        requestDeadlineMs: REQUEST_DEADLINE_MS,
        latencySlackMs: settings.latencySlackMs,
        rankerTimeoutMs: RANKER_TIMEOUT_MS,
        concurrency: settings.scorerConcurrency,
        phaseMs: settings.scorerPhaseMs,
        modelSwapVisibleAfterMs: swapMs,
        recoveryAfterRedisBackMs: recoveryMs,
        phases: figures,
      });

      const all = Object.values(answers).flat();
      expect(all.filter((served) => served.status !== 200)).toEqual([]);
      expect(all.filter((served) => served.items === 0)).toEqual([]);
      // While Redis is slow or away, every answer comes at the latest at the deadline (plus what HTTP
      // and the machine's scheduling add: FAULT_LATENCY_SLACK_MS). Other phases' latencies are reported.
      const late = (served: Served) => served.ms > REQUEST_DEADLINE_MS + settings.latencySlackMs;
      for (const phase of ['slow_redis', 'redis_stalled', 'redis_refused'] as const)
        expect(answers[phase].filter(late)).toEqual([]);
      // (a) the swap: answers from the old model, then from the new one, none failing.
      expect(answers.model_swap.some((served) => served.modelVersion === models.serving)).toBe(
        true,
      );
      expect(answers.model_swap.at(-1)?.modelVersion).toBe(models.next);
      // (b), (c): while Redis cannot answer in time, the answers are the fallback, marked with a reason.
      for (const phase of ['slow_redis', 'redis_stalled', 'redis_refused'] as const) {
        expect(answers[phase].length).toBeGreaterThan(0);
        expect(
          answers[phase].filter((served) => served.degraded && !served.degradedReason),
        ).toEqual([]);
      }
      // It keeps taking traffic: a load balancer must not take every replica out while Redis is away.
      expect(readyWithoutRedis).toBe(200);
      for (const phase of ['redis_stalled', 'redis_refused'] as const)
        expect(answers[phase].filter((served) => !served.degraded)).toEqual([]);
    },
    settings.testTimeoutMs,
  );
});

function phaseFigures(served: readonly Served[]) {
  const reasons: Record<string, number> = {};
  for (const answer of served) {
    if (answer.degraded)
      reasons[answer.degradedReason ?? 'none'] =
        (reasons[answer.degradedReason ?? 'none'] ?? 0) + 1;
  }
  return {
    requests: served.length,
    non200: served.filter((answer) => answer.status !== 200).length,
    degraded: reasons,
    latencyMs: summariseLatencies(served.map((answer) => answer.ms)),
  };
}
