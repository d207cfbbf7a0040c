/**
 * `npm run bench:features [-- --events 100000 --rate 500 --seconds 10 --probes 50 --memory-events 1000000
 *   --memory-users 20000 --memory-items 5000 --json <file>]`
 * Preprocessor throughput and freshness on the local Kafka + Redis (or KAFKA_BROKERS / REDIS_URL):
 *   1. preloads N events into events.raw.v1, starts the preprocessor (its own process, built output) and
 *      measures events/s from its first to its last applied batch (stored offsets in Redis);
 *   2. with the preprocessor caught up, sends events at a fixed rate and measures event produced →
 *      features visible, two ways:
 *      - observed: `--probes` events per second, each the first event of its own user, are polled in
 *        Redis every 5 ms for that user's profile, which appears with the event's features;
 *      - reported: every event's features.updated.v1 notice (`updatedAt`, the preprocessor's clock,
 *        stamped after the write and after the batch's training examples were published, so it trails
 *        the features by that round trip) − the time the bench handed the event to the producer.
 *      Both count from before the produce call, so they include the broker round trip the collector waits
 *      for before it answers 202: "accepted → visible" is at most this;
 *   3. the cost of an applied event: the preprocessor's CPU (/proc), Redis's CPU (INFO cpu) and memory
 *      growth per event over phase 1, next to a bare kafkajs consumer reading the same topic;
 *   4. `--memory-events` (1M) more events of a fixed `--memory-users` (20k) / `--memory-items` (5k):
 *      Redis used_memory after all of them ÷ after a fifth (memory-growth.ts).
 */
import { FeatureStore, RedisConnection, featureKeys } from '@recsys/feature-store';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { buildServices, testKafkaConfig, testNamespace, waitFor } from '@recsys/testing';
import { figure, type BenchResult } from './bench-result';
import {
  appliedSoFar,
  preload,
  preloadedOffsets,
  syntheticEvent,
  toMessage,
} from './feature-events';
import { measureMemoryGrowth, type MemoryGrowth } from './memory-growth';
import { measureRawConsumer } from './raw-consumer';
import {
  costBetween,
  processCpuMicros,
  redisCpuMicros,
  redisUsedMemory,
  type CostReading,
} from './cost-meters';
import {
  latencySummary,
  numberOption,
  report,
  round,
  runBench,
  sleep,
  startService,
  withInfrastructure,
  type LatencySummary,
} from './bench-support';

interface ThroughputCost {
  eventsPerSecond: number;
  seconds: number;
  /** The preprocessor process's CPU (user + system) per applied event, µs. */
  nodeCpuMicrosPerEvent: number;
  /** Redis's CPU per applied event, µs (INFO cpu; the bench's own polling included, ~20 reads/s). */
  redisCpuMicrosPerEvent: number;
  /** Redis used_memory growth per applied event, bytes (state that grows with traffic). */
  redisBytesPerEvent: number;
}

/**
 * Events/s from the first to the last applied batch, with the preprocessor's and Redis's CPU per event
 * over the same span, and Redis's memory growth over the whole preload.
 */
async function measureThroughput(
  store: FeatureStore,
  preloaded: Awaited<ReturnType<typeof preloadedOffsets>>,
  meters: { redis: RedisConnection; pid: number; memoryBefore: number },
): Promise<ThroughputCost> {
  const read = async (): Promise<CostReading> => ({
    atMs: Date.now(),
    units: await appliedSoFar(store, preloaded.partitions),
    processCpuMicros: processCpuMicros(meters.pid),
    redisCpuMicros: await redisCpuMicros(meters.redis),
  });
  let first: CostReading | undefined;
  const last = await waitFor(
    async () => {
      const reading = await read();
      if (first === undefined && reading.units > 0) first = reading;
      return reading.units >= preloaded.total ? reading : undefined;
    },
    { description: 'preprocessor to apply the preload', timeoutMs: 900_000, intervalMs: 50 },
  );
  const cost = costBetween(first!, last);
  const memoryAfter = await redisUsedMemory(meters.redis);
  return {
    eventsPerSecond: cost.perSecond,
    seconds: cost.seconds,
    nodeCpuMicrosPerEvent: cost.processCpu,
    redisCpuMicrosPerEvent: cost.redisCpu,
    redisBytesPerEvent: (memoryAfter - meters.memoryBefore) / preloaded.total,
  };
}

/**
 * Polls the probes (each the first event of its own user: one EXISTS of the user's profile per
 * outstanding probe every 5 ms) and records produced → visible for each.
 */
class MarkerProbe {
  private readonly outstanding = new Map<string, number>();
  readonly latencies: number[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly redis: RedisConnection) {}

  watch(userKey: string, producedAtMs: number): void {
    this.outstanding.set(userKey, producedAtMs);
  }

  get pending(): number {
    return this.outstanding.size;
  }

  start(): void {
    this.running = true;
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const ids = [...this.outstanding.keys()];
      if (ids.length > 0) {
        const replies = await Promise.all(
          ids.map((id) => this.redis.client.exists(featureKeys.userProfile(id))),
        );
        const now = Date.now();
        ids.forEach((id, index) => {
          if (replies[index] !== 1) return;
          this.latencies.push(now - this.outstanding.get(id)!);
          this.outstanding.delete(id);
        });
      }
      await sleep(5);
    }
  }
}

interface FreshnessOptions {
  kafka: KafkaClient;
  publisher: KafkaPublisher;
  redis: RedisConnection;
  groupId: string;
  rate: number;
  seconds: number;
  probesPerSecond: number;
}

function noticeListener(
  options: FreshnessOptions,
  latencies: number[],
): KafkaTopicConsumer<'features.updated.v1'> {
  return new KafkaTopicConsumer(options.kafka, {
    topic: 'features.updated.v1',
    groupId: options.groupId,
    service: 'bench',
    deadLetters: options.publisher,
    fromBeginning: false,
    handle: async ({ value }) => {
      if (value.eventId.startsWith('fresh-'))
        latencies.push(Date.parse(value.updatedAt) - Number(value.eventId.split('-')[1]));
    },
  });
}

/** Sends `rate` events/s for `seconds` in ticks of 50 ms; every `probeEvery`-th event is probed. */
async function sendAtRate(options: FreshnessOptions, probe: MarkerProbe): Promise<number> {
  const total = options.rate * options.seconds;
  const perTick = Math.max(1, Math.round(options.rate / 20));
  const probeEvery = Math.max(1, Math.round(options.rate / options.probesPerSecond));
  const started = Date.now();
  for (let sent = 0; sent < total; sent += perTick) {
    const now = Date.now();
    const events = Array.from({ length: perTick }, (_, index) => {
      const event = {
        ...syntheticEvent(sent + index, now),
        eventId: `fresh-${now}-${sent + index}`,
      };
      if ((sent + index) % probeEvery !== 0) return event;
      // A probe is its user's first event: its profile appearing is the event becoming visible.
      const probed = { ...event, userId: `probe-${event.eventId}` };
      probe.watch(probed.userId, now);
      return probed;
    });
    await options.publisher.publish('events.raw.v1', events.map(toMessage));
    // Ticks are scheduled from the start, so a slow publish does not lower the offered rate.
    const due = started + ((sent + perTick) / options.rate) * 1_000;
    await sleep(Math.max(0, due - Date.now()));
  }
  return Math.ceil(total / perTick) * perTick;
}

async function measureFreshness(
  options: FreshnessOptions,
): Promise<{ observed: LatencySummary; reported: LatencySummary }> {
  const reported: number[] = [];
  const listener = noticeListener(options, reported);
  await listener.start();
  await sleep(3_000); // let the listener join before sending
  const probe = new MarkerProbe(options.redis);
  probe.start();
  try {
    const sent = await sendAtRate(options, probe);
    await waitFor(() => (reported.length >= sent && probe.pending === 0 ? true : undefined), {
      description: `freshness samples (${reported.length}/${sent} notices, ${probe.pending} probes pending)`,
      timeoutMs: 120_000,
    });
  } finally {
    await probe.stop();
    await listener.stop();
  }
  return { observed: latencySummary(probe.latencies), reported: latencySummary(reported) };
}

interface BenchSetup {
  kafka: KafkaClient;
  publisher: KafkaPublisher;
  redis: RedisConnection;
  env: Record<string, string>;
  groupId: string;
}

async function setUp(kafkaAddress: string, redisAddress: string): Promise<BenchSetup> {
  const namespace = testNamespace('bench-features');
  const kafka = new KafkaClient(testKafkaConfig(kafkaAddress.split(','), namespace, 'bench'));
  const publisher = new KafkaPublisher(kafka);
  const redis = new RedisConnection({
    url: redisAddress,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 5_000,
  });
  await kafka.ensureTopics([
    { topic: 'events.raw.v1', partitions: 3 },
    { topic: 'features.updated.v1', partitions: 3 },
  ]);
  await Promise.all([publisher.connect(), redis.connect()]);
  const env = {
    KAFKA_BROKERS: kafkaAddress,
    KAFKA_TOPIC_PREFIX: namespace.topicPrefix,
    REDIS_URL: redisAddress,
    REDIS_KEY_PREFIX: namespace.redisKeyPrefix,
    LOG_LEVEL: 'warn',
    // Extra preprocessor settings to compare configurations, e.g. '{"FEATURE_NEGATIVE_SAMPLES":"0"}'.
    ...(JSON.parse(process.env['BENCH_PREPROCESSOR_ENV'] ?? '{}') as Record<string, string>),
  };
  return { kafka, publisher, redis, env, groupId: namespace.groupId('freshness') };
}

/** What an applied event costs, and the bare consumer it is measured against (same run, same topic). */
function costFigures(
  throughput: ThroughputCost,
  raw: { eventsPerSecond: number; cpuMicrosPerEvent: number },
): BenchResult['figures'] {
  const micros = (value: number) => ({ value: round(value, 1), unit: 'µs/event' });
  return [
    figure('preprocessor.nodeCpuMicrosPerEvent', 'preprocessor Node CPU per event', {
      ...micros(throughput.nodeCpuMicrosPerEvent),
      note: 'user + system CPU of the preprocessor process (/proc) over the applied span',
    }),
    figure('preprocessor.redisCpuMicrosPerEvent', 'Redis CPU per event', {
      ...micros(throughput.redisCpuMicrosPerEvent),
      note: 'INFO cpu (used_cpu_user + used_cpu_sys) over the applied span',
    }),
    figure('preprocessor.redisBytesPerEvent', 'Redis memory growth per event', {
      value: round(throughput.redisBytesPerEvent, 0),
      unit: 'B/event',
      note: 'used_memory after the preload minus before, over the events applied',
    }),
    figure('preprocessor.rawConsumer.eventsPerSecond', 'bare kafkajs consumer, same topic', {
      value: round(raw.eventsPerSecond, 0),
      unit: 'events/s',
      detail: `${round(raw.cpuMicrosPerEvent, 1)} µs CPU per event`,
      note: 'own consumer group, from the beginning, no parsing, no Redis',
    }),
    figure('preprocessor.ratioToRawConsumer', 'preprocessor ÷ bare consumer, events/s', {
      value: round(throughput.eventsPerSecond / raw.eventsPerSecond, 3),
      unit: '×',
    }),
  ];
}

function memoryFigure(memory: MemoryGrowth): BenchResult['figures'][number] {
  const megabytes = (bytes: number) => `${round(bytes / 1_048_576, 1)} MB`;
  const fifth = Math.round(memory.events / 5);
  return figure(
    'preprocessor.memoryGrowthRatio',
    `Redis used_memory after ${memory.events} ÷ after ${fifth} events`,
    {
      value: round(memory.ratio, 2),
      unit: '×',
      detail: `${megabytes(memory.afterFifthBytes)} → ${megabytes(memory.afterAllBytes)}`,
      note: `${memory.population.users} users, ${memory.population.items} items throughout: ~1× when state grows with users and items only`,
    },
  );
}

function resultOf(input: {
  size: BenchResult['size'];
  startedAt: string;
  throughput: ThroughputCost;
  raw: { eventsPerSecond: number; cpuMicrosPerEvent: number };
  freshness: { observed: LatencySummary; reported: LatencySummary };
  memory: MemoryGrowth;
}): BenchResult {
  const { observed, reported } = input.freshness;
  const rate = input.size['rate'];
  const ms = (value: number) => ({ value, unit: 'ms' });
  return {
    bench: 'preprocessor',
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    size: input.size,
    figures: [
      figure('preprocessor.eventsPerSecond', 'preprocessor events/s into Redis, one instance', {
        value: round(input.throughput.eventsPerSecond, 0),
        unit: 'events/s',
        detail: `${input.size['events']} preloaded events applied in ${round(input.throughput.seconds, 1)} s`,
        note: 'with point-in-time training examples and features.updated notices',
      }),
      ...costFigures(input.throughput, input.raw),
      memoryFigure(input.memory),
      figure('preprocessor.freshness.p50', `event → feature visible p50, at ${rate} events/s`, {
        ...ms(observed.p50),
        note: `${observed.count} probes polled in Redis (5 ms resolution)`,
      }),
      figure('preprocessor.freshness.p99', `event → feature visible p99, at ${rate} events/s`, {
        ...ms(observed.p99),
        detail: `max ${observed.max} ms`,
        note: 'from before the produce call (≥ collector accept) to the marker visible',
      }),
      figure(
        'preprocessor.notice.p50',
        'event → features.updated notice p50 (preprocessor clock)',
        {
          ...ms(reported.p50),
          note: `${reported.count} notices; stamped after the batch's training examples are published`,
        },
      ),
      figure(
        'preprocessor.notice.p99',
        'event → features.updated notice p99 (preprocessor clock)',
        {
          ...ms(reported.p99),
          detail: `max ${reported.max} ms`,
        },
      ),
    ],
    notes: process.env['BENCH_PREPROCESSOR_ENV']
      ? [`preprocessor settings: ${process.env['BENCH_PREPROCESSOR_ENV']}`]
      : [],
  };
}

async function main(): Promise<void> {
  const size = {
    events: numberOption('events', 100_000),
    rate: numberOption('rate', 500),
    seconds: numberOption('seconds', 10),
    probesPerSecond: numberOption('probes', 50),
    memoryEvents: numberOption('memory-events', 1_000_000),
    memoryUsers: numberOption('memory-users', 20_000),
    memoryItems: numberOption('memory-items', 5_000),
  };
  const startedAt = new Date().toISOString();
  await buildServices(['preprocessor']);
  await withInfrastructure(async ({ kafka: kafkaInfra, redis: redisInfra }) => {
    const setup = await setUp(kafkaInfra.address, redisInfra.address);
    const loadStarted = Date.now();
    await preload(setup.publisher, size.events);
    const preloaded = await preloadedOffsets(setup.kafka);
    process.stderr.write(
      `preloaded ${size.events} events in ${Date.now() - loadStarted} ms; starting the preprocessor\n`,
    );
    const raw = await measureRawConsumer(setup.kafka, preloaded.total, `${setup.groupId}-raw`);
    const memoryBefore = await redisUsedMemory(setup.redis);
    const preprocessor = await startService({ name: 'preprocessor', env: setup.env });
    try {
      const throughput = await measureThroughput(new FeatureStore(setup.redis), preloaded, {
        redis: setup.redis,
        pid: preprocessor.child.pid!,
        memoryBefore,
      });
      const freshness = await measureFreshness({ ...setup, ...size });
      const memory = await measureMemoryGrowth({
        ...setup,
        store: new FeatureStore(setup.redis),
        events: size.memoryEvents,
        population: { users: size.memoryUsers, items: size.memoryItems, label: 'memory' },
      });
      report(resultOf({ size, startedAt, throughput, raw, freshness, memory }));
    } finally {
      await preprocessor.stop();
      await Promise.all([setup.publisher.disconnect(), setup.redis.disconnect()]);
    }
  });
}

runBench('preprocessor', main);
