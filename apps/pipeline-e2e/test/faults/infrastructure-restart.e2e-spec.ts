/**
 * Chaos, infrastructure: while a storefront streams events through the collector, this test's own Kafka
 * broker is killed and restarted, then its Redis server (which comes back from an AOF without its last
 * second of writes), then the preprocessor's Redis connection loses replies to commands Redis already
 * executed. The preprocessor resumes from the offsets the store holds each time. The services
 * are never restarted: they must recover by themselves. While Kafka is down the collector answers 503
 * with a retriable code and Retry-After — never 500, never a hang — and, once its circuit breaker saw the
 * first failure, within 1 s instead of after the send timeout; the storefront retries the same events,
 * and they are accepted again soon after the broker is back. Afterwards every event the collector
 * accepted is counted exactly once in Redis.
 */
import {
  buildServices,
  CollectorLedger,
  FaultProxy,
  faultSettings,
  reportFaultFigures,
  startPrivateInfrastructure,
  startServiceProcess,
  streamEvents,
  summariseLatencies,
  testNamespace,
  waitFor,
  type CollectorAnswer,
  type PrivateInfrastructure,
  type ServiceProcess,
} from '@recsys/testing';
import { checkAgainstLedger, storefrontEventAt, type TrafficShape } from './feature-count-check';
import {
  collectorEnv,
  FAULT_SECRET,
  FAULT_WRITE_KEY,
  openStoreReader,
  preprocessorEnv,
  type FaultTarget,
  type StoreReader,
} from './fault-services';

const settings = faultSettings();
/** A request must be answered within the publisher's send timeout (10 s) plus slack on a loaded machine. */
const MAX_ANSWER_MS = 15_000;
/** After the first failure the circuit breaker answers 503 at once; 1 s covers a loaded machine. */
const MAX_MS_AFTER_FIRST_FAILURE = 1_000;
/** Broker ready → events accepted again: the breaker probes every 500 ms; the storefront retries after ≤ 1 s. */
const MAX_COLLECTOR_RECOVERY_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Kafka broker and Redis server restarted mid-stream', () => {
  const namespace = testNamespace('fault-restart');
  let infrastructure: PrivateInfrastructure;
  /** Stopped by the teardown, so a failed test leaves no stream running. */
  let activeLedger: CollectorLedger | undefined;
  let target: FaultTarget;
  let reader: StoreReader;
  let redisProxy: FaultProxy;
  let collector: ServiceProcess;
  let preprocessor: ServiceProcess;

  beforeAll(async () => {
    await buildServices(['collector', 'preprocessor']);
    infrastructure = await startPrivateInfrastructure('infrastructure-restart');
    target = { environment: infrastructure.environment, namespace };
    reader = await openStoreReader(target);
    redisProxy = await FaultProxy.start({ port: infrastructure.redis.port });
    collector = await startServiceProcess({ name: 'collector', env: collectorEnv(target) });
    preprocessor = await startServiceProcess({
      name: 'preprocessor',
      env: preprocessorEnv(target, { REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` }),
    });
  }, 600_000);

  afterAll(async () => {
    activeLedger?.stop();
    await Promise.allSettled([collector?.stop(), preprocessor?.stop()]);
    await reader?.close();
    await redisProxy?.close();
    await infrastructure?.stop();
  }, 120_000);

  /** Resolves once the store applied more than `applied` messages (the preprocessor makes progress). */
  async function progressBeyond(applied: number, description: string): Promise<number> {
    const started = Date.now();
    await waitFor(
      async () => {
        const progress = await reader.progress().catch(() => undefined);
        return progress !== undefined && progress.applied > applied ? true : undefined;
      },
      { description, timeoutMs: 120_000, intervalMs: 200 },
    ).catch((error: unknown) => {
      // Why it is stuck is in what the preprocessor said last.
      throw new Error(
        `${String(error)}; the preprocessor's last output:\n${preprocessor.output().slice(-6_000)}`,
      );
    });
    return Date.now() - started;
  }

  async function appliedNow(): Promise<number> {
    return (await reader.progress()).applied;
  }

  async function readiness(service: ServiceProcess): Promise<number> {
    return fetch(`${service.url}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
  }

  it(
    'recovers without restarting a service, answers 503 while Kafka is down, and loses nothing',
    async () => {
      const shape: TrafficShape = {
        users: 200,
        items: 300,
        startMs: Date.now() - 3_600_000,
        spacingMs: 10,
        idPrefix: namespace.id,
      };
      const eventAt = (index: number) => storefrontEventAt(shape, index);
      const ledger = new CollectorLedger({
        collectorUrl: () => collector.url,
        writeKey: FAULT_WRITE_KEY,
        // The storefront waits what Retry-After says, but at most 1 s, to retry soon after recovery.
        maxRetryAfterMs: 1_000,
      });
      activeLedger = ledger;
      let done = false;
      const stream = streamEvents({
        ledger,
        eventAt,
        stopWhen: () => done,
        batchEvents: 50,
        concurrency: settings.postConcurrency,
        eventsPerSecond: settings.restartEventsPerSecond,
      });
      const collectorPid = collector.child.pid;
      const preprocessorPid = preprocessor.child.pid;
      await progressBeyond(500, 'the preprocessor to apply the first events');

      // 1. Kafka: crash, stay down, come back on the same port and data.
      const kafkaDownMs = Date.now();
      await infrastructure.kafka.kill();
      await sleep(settings.outageMs);
      const collectorReadyWhileKafkaDown = await readiness(collector);
      await infrastructure.kafka.restart();
      const kafkaUpMs = Date.now();
      const firstAcceptedAfterKafka = await waitFor(
        () =>
          ledger.answers.find((answer) => answer.status === 202 && answer.sentAtMs >= kafkaUpMs),
        { description: 'the collector to accept events again', timeoutMs: 120_000 },
      );
      const preprocessorKafkaRecoveryMs = await progressBeyond(
        await appliedNow(),
        'the preprocessor to consume again after the broker restart',
      );

      // 2. Redis: crash; its AOF lacks the writes of its last second (what `everysec` can lose to a slow
      //    disk or a machine crash, though acknowledged); stay down, come back with that AOF on the
      //    same port. The preprocessor must resume from the offsets the store holds, not from its own.
      const appliedBeforeRedis = await appliedNow();
      const aofBeforeLastSecond = await infrastructure.redis.aofBytes();
      await sleep(1_000);
      await infrastructure.redis.kill();
      const aofBytesLost = await infrastructure.redis.truncateAof(aofBeforeLastSecond);
      await sleep(settings.outageMs);
      await infrastructure.redis.restart();
      const redisUpMs = Date.now();
      const preprocessorRedisRecoveryMs = await progressBeyond(
        appliedBeforeRedis,
        'the preprocessor to apply again after the Redis restart',
      );

      // 3. Replies lost: scripts run in Redis, the preprocessor never hears back.
      redisProxy.setMode('drop-replies');
      await waitFor(() => (redisProxy.stats.repliesDropped > 0 ? true : undefined), {
        description: 'a batch script executed whose reply is lost',
        timeoutMs: 30_000,
      });
      await sleep(1_000);
      redisProxy.setMode('pass');
      await progressBeyond(
        await appliedNow(),
        'the preprocessor to apply again after lost replies',
      );
      const { repliesDropped, requestsSentAgain } = redisProxy.stats;

      done = true;
      const streamed = await stream;
      const streamEndedMs = Date.now();
      await waitFor(async () => ((await reader.progress()).lag === 0 ? true : undefined), {
        description: 'the preprocessor to catch up',
        timeoutMs: settings.catchUpTimeoutMs,
        intervalMs: 250,
      });
      const catchUpMs = Date.now() - streamEndedMs;

      const { differences } = await checkAgainstLedger(reader.redis, {
        eventAt,
        streamed,
        accepted: ledger.accepted,
        secret: FAULT_SECRET,
      });
      const duringKafkaOutage = ledger.answers.filter(
        (answer) => answer.sentAtMs >= kafkaDownMs && answer.sentAtMs < kafkaUpMs,
      );
      const refused = ledger.answers.filter((answer) => answer.status !== 202);
      const breaker = breakerFigures(ledger.answers, { kafkaDownMs, kafkaUpMs });
      const circuitMetrics = await circuitSeries(collector);

      reportFaultFigures('infrastructure-restart', {
        events: streamed,
        accepted: ledger.accepted.size,
        lost: differences.lost,
        doubleCounted: differences.doubled,
        kafkaOutageMs: kafkaUpMs - kafkaDownMs,
        answersDuringKafkaOutage: countBy(duringKafkaOutage),
        answerMsDuringKafkaOutage: summariseLatencies(duringKafkaOutage.map((answer) => answer.ms)),
        firstFailureAfterKafkaKillMs: breaker.firstFailureAfterKillMs,
        answer503MsAfterFirstFailure: summariseLatencies(breaker.sentAfterFirstFailureMs),
        worstAnswerMsPastFirstFailure: breaker.worstMsPastFirstFailure,
        collectorCircuit: circuitMetrics,
        collectorRecoveryAfterKafkaMs: firstAcceptedAfterKafka.sentAtMs - kafkaUpMs,
        preprocessorRecoveryAfterKafkaMs: preprocessorKafkaRecoveryMs,
        preprocessorRecoveryAfterRedisMs: preprocessorRedisRecoveryMs,
        redisRestartedAt: new Date(redisUpMs).toISOString(),
        aofBytesLost,
        repliesDropped,
        requestsSentAgain,
        catchUpAfterStreamEndMs: catchUpMs,
        answerMs: summariseLatencies(ledger.answers.map((answer) => answer.ms)),
      });

      // Nothing restarted a service; both are ready again.
      expect([collector.child.pid, preprocessor.child.pid]).toEqual([
        collectorPid,
        preprocessorPid,
      ]);
      expect([collector.child.exitCode, preprocessor.child.exitCode]).toEqual([null, null]);
      expect(await readiness(collector)).toBe(200);
      expect(await readiness(preprocessor)).toBe(200);
      expect(collectorReadyWhileKafkaDown).toBe(503);
      // While Kafka was down: 503, retriable, with Retry-After, answered promptly; never a 500 or a hang.
      expect(duringKafkaOutage.some((answer) => answer.status === 503)).toBe(true);
      expect(refused.filter((answer) => !isRetriable503(answer))).toEqual([]);
      expect(ledger.answers.filter((answer) => answer.ms > MAX_ANSWER_MS)).toEqual([]);
      // The circuit breaker: once the first failure is known, every refusal comes within 1 s (of the
      // failure for requests already waiting, of the request for later ones), and 202s come back soon.
      expect(breaker.sentAfterFirstFailureMs.length).toBeGreaterThan(0);
      expect(breaker.worstMsPastFirstFailure).toBeLessThanOrEqual(MAX_MS_AFTER_FIRST_FAILURE);
      expect(firstAcceptedAfterKafka.sentAtMs - kafkaUpMs).toBeLessThanOrEqual(
        MAX_COLLECTOR_RECOVERY_MS,
      );
      expect(circuitMetrics).toEqual({ opened: expect.any(Number) as number, state: 0 });
      expect(circuitMetrics.opened).toBeGreaterThanOrEqual(1);
      // Redis really came back without writes it had acknowledged; scripts really ran whose replies
      // were lost (the writer does not re-send them: it resumes from the store's offsets); nothing was
      // lost or counted twice.
      expect(aofBytesLost).toBeGreaterThan(0);
      expect(repliesDropped).toBeGreaterThan(0);
      expect(ledger.accepted.size).toBe(streamed);
      expect(differences).toEqual({ lost: 0, doubled: 0, examples: [] });
    },
    settings.testTimeoutMs,
  );
});

function isRetriable503(answer: CollectorAnswer): boolean {
  return (
    answer.status === 503 &&
    answer.code === 'KAFKA_UNAVAILABLE' &&
    answer.retriable === true &&
    Number(answer.retryAfter) > 0
  );
}

/**
 * The collector's 503s measured against its first failure during the Kafka outage (the first refusal it
 * answered): how long after the kill that came, how long refusals sent after it took, and the worst
 * delay of any refusal past max(its sending, the first failure).
 */
function breakerFigures(
  answers: readonly CollectorAnswer[],
  outage: { kafkaDownMs: number; kafkaUpMs: number },
): {
  firstFailureAfterKillMs: number | undefined;
  sentAfterFirstFailureMs: number[];
  worstMsPastFirstFailure: number;
} {
  const refusals = answers.filter(
    (answer) =>
      answer.status !== 202 &&
      answer.sentAtMs + answer.ms >= outage.kafkaDownMs &&
      answer.sentAtMs < outage.kafkaUpMs,
  );
  const answeredAt = (answer: CollectorAnswer) => answer.sentAtMs + answer.ms;
  const firstFailureMs = Math.min(...refusals.map(answeredAt));
  if (!Number.isFinite(firstFailureMs)) {
    return {
      firstFailureAfterKillMs: undefined,
      sentAfterFirstFailureMs: [],
      worstMsPastFirstFailure: 0,
    };
  }
  return {
    firstFailureAfterKillMs: firstFailureMs - outage.kafkaDownMs,
    sentAfterFirstFailureMs: refusals
      .filter((answer) => answer.sentAtMs >= firstFailureMs)
      .map((answer) => answer.ms),
    worstMsPastFirstFailure: Math.max(
      ...refusals.map((answer) => answeredAt(answer) - Math.max(answer.sentAtMs, firstFailureMs)),
    ),
  };
}

/** The collector's circuit-breaker series from /metrics: openings so far and the current state. */
async function circuitSeries(service: ServiceProcess): Promise<{ opened: number; state: number }> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  // Every series carries the registry's default label (service="collector").
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    opened: value('collector_kafka_circuit_opened_total'),
    state: value('collector_kafka_circuit_state'),
  };
}

function countBy(answers: readonly CollectorAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = `${answer.status}${answer.code === undefined ? '' : ` ${answer.code}`}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
