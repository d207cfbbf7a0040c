/**
 * `npm run bench:ingest [-- --events 50000 --batch 100 --concurrency 16 --rounds 3 --json <file>]`
 * Events/s through the collector's HTTP API (its own process, built output) next to two reference arms
 * fed the same events in the same batches and concurrency, to the same broker, in the same run:
 * - "Fastify + kafkajs, no validation": its own process, over the same HTTP client, that parses the body
 *   and sends each event as it came (unvalidated-ingest.server.ts), with the CPU per event of both
 *   server processes;
 * - a bare kafkajs producer in this process, without HTTP.
 * Both producers give the collector's guarantees (idempotent, acks from all in-sync replicas). Rounds
 * rotate which arm goes first (the shared machine's load drifts); figures are medians over rounds.
 */
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { StorefrontEvent } from '@recsys/contracts';
import { buildServices, testNamespace } from '@recsys/testing';
import { figure, type BenchResult, type Figure } from './bench-result';
import {
  median,
  numberOption,
  report,
  round,
  runBench,
  startService,
  withInfrastructure,
} from './bench-support';
import { processCpuMicros } from './cost-meters';
import { startUnvalidatedArm } from './unvalidated-ingest-arm';

const WRITE_KEY = 'bench-write-key-0123456789abcdef';

function events(count: number): StorefrontEvent[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, index) => ({
    eventId: `ingest-${now}-${index}`,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: `user-${index % 5_000}`,
    sessionId: `session-${index % 20_000}`,
    timestamp: new Date(now - 1_000).toISOString(),
    itemId: `sku-${(index * 7_919) % 10_000}`,
    price: 19.99,
    currency: 'EUR',
    context: { device: { type: 'mobile' }, locale: 'en-GB' },
  }));
}

function batchesOf<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    batches.push(items.slice(start, start + size));
  return batches;
}

/** Runs `send` over the batches with `concurrency` in flight; returns events/s. */
async function timed(
  batches: StorefrontEvent[][],
  concurrency: number,
  send: (batch: StorefrontEvent[]) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    for (let index = next++; index < batches.length; index = next++) await send(batches[index]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return batches.reduce((sum, batch) => sum + batch.length, 0) / seconds;
}

function collectorEnv(kafkaAddress: string, redisAddress: string): Record<string, string> {
  const namespace = testNamespace('bench-ingest');
  return {
    KAFKA_BROKERS: kafkaAddress,
    KAFKA_TOPIC_PREFIX: namespace.topicPrefix,
    REDIS_URL: redisAddress,
    REDIS_KEY_PREFIX: namespace.redisKeyPrefix,
    LOG_LEVEL: 'warn',
    COLLECTOR_WRITE_KEYS: JSON.stringify([
      { storefront: 'bench', key: WRITE_KEY, allowedOrigins: [] },
    ]),
    COLLECTOR_PSEUDONYMISATION_SECRET: 'bench-pseudonymisation-secret',
    COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '10000000',
  };
}

function postTo(collectorUrl: string) {
  return async (batch: StorefrontEvent[]): Promise<void> => {
    const response = await fetch(`${collectorUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': WRITE_KEY },
      body: JSON.stringify({ events: batch }),
    });
    if (response.status !== 202)
      throw new Error(`collector answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
}

function sendBareTo(producer: Producer, topic: string) {
  return async (batch: StorefrontEvent[]): Promise<void> => {
    await producer.send({
      topic,
      acks: -1,
      messages: batch.map((event) => ({ key: event.userId!, value: JSON.stringify(event) })),
    });
  };
}

type ArmName = 'collector' | 'unvalidated' | 'bare';

/** One arm: how it sends a batch, and the process whose CPU it spends (none: the bench's own). */
interface Arm {
  name: ArmName;
  send: (batch: StorefrontEvent[]) => Promise<void>;
  pid?: number;
}

interface ArmRun {
  eventsPerSecond: number;
  /** CPU of the arm's own process per event (user + system); absent for the in-process arm. */
  cpuMicrosPerEvent?: number;
}

type Round = Record<ArmName, ArmRun>;

async function measureArm(
  arm: Arm,
  batches: StorefrontEvent[][],
  concurrency: number,
): Promise<ArmRun> {
  const cpuBefore = arm.pid === undefined ? undefined : processCpuMicros(arm.pid);
  const eventsPerSecond = await timed(batches, concurrency, arm.send);
  if (arm.pid === undefined || cpuBefore === undefined) return { eventsPerSecond };
  const events = batches.reduce((sum, batch) => sum + batch.length, 0);
  return { eventsPerSecond, cpuMicrosPerEvent: (processCpuMicros(arm.pid) - cpuBefore) / events };
}

/** One round: every arm over fresh events, the order rotating so that no arm always goes first. */
async function measureRound(options: {
  index: number;
  count: number;
  batchSize: number;
  concurrency: number;
  arms: readonly Arm[];
}): Promise<Round> {
  const { arms, index } = options;
  const order = arms.map((_, position) => arms[(position + index) % arms.length]!);
  const round: Partial<Round> = {};
  for (const arm of order) {
    const batches = batchesOf(events(options.count), options.batchSize);
    round[arm.name] = await measureArm(arm, batches, options.concurrency);
  }
  return round as Round;
}

/** The median over rounds of `collector ÷ other`, and each round's value for the detail column. */
function ratioOf(rounds: Round[], value: (round: Round) => number) {
  return {
    value: round(median(rounds.map(value)), 2),
    detail: `per round: ${rounds.map((entry) => round(value(entry), 2)).join(', ')}`,
    note: rounds.length === 1 ? 'one round' : `median of ${rounds.length} rotating rounds`,
  };
}

function cpuOf(run: ArmRun): number {
  return run.cpuMicrosPerEvent ?? Number.NaN;
}

function rateFigures(rounds: Round[]): Figure[] {
  const rate = (arm: ArmName) =>
    round(median(rounds.map((entry) => entry[arm].eventsPerSecond)), 0);
  return [
    figure('ingest.collector.eventsPerSecond', 'collector ingest over HTTP', {
      value: rate('collector'),
      unit: 'events/s',
      note: 'collector in its own process; 202 only after Kafka acknowledged',
    }),
    figure('ingest.unvalidated.eventsPerSecond', 'Fastify + kafkajs, no validation, over HTTP', {
      value: rate('unvalidated'),
      unit: 'events/s',
      note: 'own process, same HTTP client and batches; parses the body and sends it as it came',
    }),
    figure('ingest.bare.eventsPerSecond', 'bare kafkajs producer, same events and broker', {
      value: rate('bare'),
      unit: 'events/s',
      note: 'idempotent, acks=-1, same batches and concurrency',
    }),
  ];
}

function ratioFigures(rounds: Round[]): Figure[] {
  const rate = (arm: ArmName) => (entry: Round) => entry[arm].eventsPerSecond;
  const cpu = (arm: ArmName) => median(rounds.map((entry) => cpuOf(entry[arm])));
  return [
    figure('ingest.ratio', 'collector / bare kafkajs producer', {
      unit: '×',
      ...ratioOf(rounds, (entry) => rate('collector')(entry) / rate('bare')(entry)),
    }),
    figure('ingest.ratioToUnvalidatedArm', 'collector / Fastify + kafkajs without validation', {
      unit: '×',
      ...ratioOf(rounds, (entry) => rate('collector')(entry) / rate('unvalidated')(entry)),
    }),
    figure('ingest.collector.cpuMicrosPerEvent', 'collector CPU per event', {
      value: round(cpu('collector'), 1),
      unit: 'µs',
      note: 'the collector process (user + system, /proc), over its timed runs',
    }),
    figure('ingest.unvalidated.cpuMicrosPerEvent', 'Fastify + kafkajs CPU per event', {
      value: round(cpu('unvalidated'), 1),
      unit: 'µs',
      note: 'the arm process (user + system, /proc), over its timed runs',
    }),
    figure('ingest.cpuRatioToUnvalidatedArm', 'collector / Fastify + kafkajs, CPU per event', {
      unit: '×',
      ...ratioOf(rounds, (entry) => cpuOf(entry.collector) / cpuOf(entry.unvalidated)),
    }),
  ];
}

function resultOf(rounds: Round[], size: BenchResult['size'], startedAt: string): BenchResult {
  return {
    bench: 'ingest',
    startedAt,
    finishedAt: new Date().toISOString(),
    size,
    figures: [...rateFigures(rounds), ...ratioFigures(rounds)],
    notes: [],
  };
}

function bareProducer(brokers: string): Producer {
  const kafka = new Kafka({
    clientId: 'bench-bare',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

async function main(): Promise<void> {
  const count = numberOption('events', 50_000);
  const batchSize = numberOption('batch', 100);
  const concurrency = numberOption('concurrency', 16);
  const rounds = numberOption('rounds', 3);
  const startedAt = new Date().toISOString();
  await buildServices(['collector']);
  await withInfrastructure(async ({ kafka: kafkaInfra, redis: redisInfra }) => {
    const env = collectorEnv(kafkaInfra.address, redisInfra.address);
    const topicPrefix = env['KAFKA_TOPIC_PREFIX']!;
    const collector = await startService({ name: 'collector', env });
    const unvalidated = await startUnvalidatedArm({
      brokers: kafkaInfra.address,
      topic: `${topicPrefix}.unvalidated.events.v1`,
    });
    const producer = bareProducer(kafkaInfra.address);
    try {
      await producer.connect();
      const arms: Arm[] = [
        { name: 'collector', send: postTo(collector.url), pid: collector.child.pid! },
        { name: 'unvalidated', send: postTo(unvalidated.url), pid: unvalidated.pid },
        { name: 'bare', send: sendBareTo(producer, `${topicPrefix}.bare.events.v1`) },
      ];
      const warmup = batchesOf(events(Math.min(2_000, count)), batchSize);
      for (const arm of arms) await timed(warmup, concurrency, arm.send);
      const measured: Round[] = [];
      for (let index = 0; index < rounds; index += 1)
        measured.push(await measureRound({ index, count, batchSize, concurrency, arms }));
      report(resultOf(measured, { events: count, batchSize, concurrency, rounds }, startedAt));
    } finally {
      await producer.disconnect();
      await unvalidated.stop();
      await collector.stop();
    }
  });
}

runBench('ingest', main);
