/**
 * `npm run bench:ingest [-- --events 50000 --batch 100 --concurrency 16 --rounds 3 --json <file>]`
 * Events/s through the collector's HTTP API (its own process, built output) next to a bare kafkajs
 * producer sending the same events, in the same batches and concurrency, with the same guarantees
 * (idempotent, acks from all in-sync replicas), to the same broker, in the same run. Rounds alternate
 * which goes first (the shared machine's load drifts); figures are medians over rounds.
 */
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { StorefrontEvent } from '@recsys/contracts';
import { buildServices, testNamespace } from '@recsys/testing';
import { figure, type BenchResult } from './bench-result';
import {
  median,
  numberOption,
  report,
  round,
  runBench,
  startService,
  withInfrastructure,
} from './bench-support';

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

interface Round {
  collector: number;
  bare: number;
}

/** One round: both senders over fresh events, in alternating order so neither always goes first. */
async function measureRound(options: {
  index: number;
  count: number;
  batchSize: number;
  concurrency: number;
  post: (batch: StorefrontEvent[]) => Promise<void>;
  sendBare: (batch: StorefrontEvent[]) => Promise<void>;
}): Promise<Round> {
  const run = (send: (batch: StorefrontEvent[]) => Promise<void>) =>
    timed(batchesOf(events(options.count), options.batchSize), options.concurrency, send);
  if (options.index % 2 === 0) {
    const collector = await run(options.post);
    return { collector, bare: await run(options.sendBare) };
  }
  const bare = await run(options.sendBare);
  return { collector: await run(options.post), bare };
}

function resultOf(rounds: Round[], size: BenchResult['size'], startedAt: string): BenchResult {
  const collector = median(rounds.map((entry) => entry.collector));
  const bare = median(rounds.map((entry) => entry.bare));
  const ratio = median(rounds.map((entry) => entry.collector / entry.bare));
  const perRound = rounds.map((entry) => round(entry.collector / entry.bare, 2)).join(', ');
  return {
    bench: 'ingest',
    startedAt,
    finishedAt: new Date().toISOString(),
    size,
    figures: [
      figure('ingest.collector.eventsPerSecond', 'collector ingest over HTTP', {
        value: round(collector, 0),
        unit: 'events/s',
        note: 'collector in its own process; 202 only after Kafka acknowledged',
      }),
      figure('ingest.bare.eventsPerSecond', 'bare kafkajs producer, same events and broker', {
        value: round(bare, 0),
        unit: 'events/s',
        note: 'idempotent, acks=-1, same batches and concurrency',
      }),
      figure('ingest.ratio', 'collector / bare kafkajs producer', {
        value: round(ratio, 2),
        unit: '×',
        detail: `per round: ${perRound}`,
        note: rounds.length === 1 ? 'one round' : `median of ${rounds.length} alternating rounds`,
      }),
    ],
    notes: [],
  };
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
    const collector = await startService({ name: 'collector', env });
    const kafka = new Kafka({
      clientId: 'bench-bare',
      brokers: kafkaInfra.address.split(','),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
      const post = postTo(collector.url);
      const sendBare = sendBareTo(producer, `${env['KAFKA_TOPIC_PREFIX']}.bare.events.v1`);
      const warmup = batchesOf(events(Math.min(2_000, count)), batchSize);
      await timed(warmup, concurrency, post);
      await timed(warmup, concurrency, sendBare);
      const measured: Round[] = [];
      for (let index = 0; index < rounds; index += 1)
        measured.push(await measureRound({ index, count, batchSize, concurrency, post, sendBare }));
      report(resultOf(measured, { events: count, batchSize, concurrency, rounds }, startedAt));
    } finally {
      await producer.disconnect();
      await collector.stop();
    }
  });
}

runBench('ingest', main);
