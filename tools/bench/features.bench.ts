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
 *      - reported: every event's features.updated.v2 notice (`updatedAt`, the preprocessor's clock,
 *        stamped after the write and after the batch's training examples were published, so it trails
 *        the features by that round trip) − the time the bench handed the event to the producer.
 *      Both count from before the produce call, so they include the broker round trip the collector waits
 *      for before it answers 202: "accepted → visible" is at most this;
 *   3. the cost of an applied event: the preprocessor's CPU (/proc), Redis's CPU (INFO cpu) and memory
 *      growth per event over phase 1, next to a bare kafkajs consumer reading the same topic;
 *   4. `--memory-events` (1M) more events of a fixed `--memory-users` (20k) / `--memory-items` (5k):
 *      Redis used_memory after all of them ÷ after a fifth (memory-growth.ts);
 *   5. phases 1, 3 and 4 again on a three-primary Redis Cluster (REDIS_CLUSTER_NODES, else
 *      tools/redis-cluster.sh): Redis CPU and memory summed over the primaries, each primary's share
 *      printed (figure ids with `.cluster`).
 */
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import {
  buildServices,
  startLocal,
  stopLocal,
  testKafkaConfig,
  testNamespace,
  waitFor,
} from '@recsys/testing';
import { figure, type BenchResult } from './bench-result';
import { appliedSoFar, preload, preloadedOffsets } from './feature-events';
import { measureFreshness } from './freshness';
import { measureMemoryGrowth, type MemoryGrowth } from './memory-growth';
import { measureRawConsumer } from './raw-consumer';
import {
  costBetween,
  processCpuMicros,
  redisCpuMicros,
  redisCommandStats,
  redisCpuMicrosPerPrimary,
  redisUsedMemory,
  topCommandsBetween,
  type CostReading,
} from './cost-meters';
import {
  numberOption,
  report,
  round,
  runBench,
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
  /** Each primary's share of the Redis CPU (one entry for a single Redis). */
  redisCpuShares: number[];
  /** Redis used_memory growth per applied event, bytes (state that grows with traffic). */
  redisBytesPerEvent: number;
  /** The costliest Redis commands per event over the same span (commandstats). */
  redisCommands: string;
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
  let firstPerPrimary: number[] = [];
  let firstCommands = new Map<string, { calls: number; micros: number }>();
  const last = await waitFor(
    async () => {
      const reading = await read();
      if (first === undefined && reading.units > 0) {
        first = reading;
        firstPerPrimary = await redisCpuMicrosPerPrimary(meters.redis);
        firstCommands = await redisCommandStats(meters.redis);
      }
      return reading.units >= preloaded.total ? reading : undefined;
    },
    { description: 'preprocessor to apply the preload', timeoutMs: 900_000, intervalMs: 50 },
  );
  const lastPerPrimary = await redisCpuMicrosPerPrimary(meters.redis);
  const lastCommands = await redisCommandStats(meters.redis);
  const spent = lastPerPrimary.map((micros, index) => micros - (firstPerPrimary[index] ?? 0));
  const totalSpent = spent.reduce((sum, micros) => sum + micros, 0);
  const cost = costBetween(first!, last);
  const memoryAfter = await redisUsedMemory(meters.redis);
  return {
    eventsPerSecond: cost.perSecond,
    seconds: cost.seconds,
    nodeCpuMicrosPerEvent: cost.processCpu,
    redisCpuMicrosPerEvent: cost.redisCpu,
    redisCpuShares: spent.map((micros) => (totalSpent > 0 ? micros / totalSpent : 0)),
    redisBytesPerEvent: (memoryAfter - meters.memoryBefore) / preloaded.total,
    redisCommands: topCommandsBetween(firstCommands, lastCommands, last.units - first!.units),
  };
}

interface BenchSetup {
  kafka: KafkaClient;
  publisher: KafkaPublisher;
  redis: RedisConnection;
  env: Record<string, string>;
  groupId: string;
}

/** Where the feature store lives: one Redis (its URL) or a Redis Cluster (its seed nodes). */
type RedisTarget = { url: string } | { clusterNodes: string };

async function setUp(kafkaAddress: string, target: RedisTarget): Promise<BenchSetup> {
  const namespace = testNamespace('bench-features');
  const kafka = new KafkaClient(testKafkaConfig(kafkaAddress.split(','), namespace, 'bench'));
  const publisher = new KafkaPublisher(kafka);
  const seeds = 'clusterNodes' in target ? target.clusterNodes.split(',') : [];
  const url = 'url' in target ? target.url : `redis://${seeds[0]!}`;
  const redis = new RedisConnection({
    url,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 5_000,
    ...(seeds.length > 0
      ? {
          clusterNodes: seeds.map((seed) => {
            const [host, port] = seed.split(':');
            return { host: host!, port: Number(port) };
          }),
        }
      : {}),
  });
  await kafka.ensureTopics([
    { topic: 'events.raw.v1', partitions: 3 },
    { topic: 'features.updated.v2', partitions: 3 },
  ]);
  await Promise.all([publisher.connect(), redis.connect()]);
  const env = {
    KAFKA_BROKERS: kafkaAddress,
    KAFKA_TOPIC_PREFIX: namespace.topicPrefix,
    REDIS_URL: url,
    ...(seeds.length > 0 ? { REDIS_CLUSTER_NODES: seeds.join(',') } : {}),
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

/** The same preprocessor on the three-primary Redis Cluster (Redis CPU summed over the primaries). */
function clusterFigures(cluster: ArmResult, size: BenchResult['size']): BenchResult['figures'] {
  const { throughput } = cluster;
  const shares = throughput.redisCpuShares.map((share) => `${round(share * 100, 0)} %`).join(' / ');
  return [
    figure(
      'preprocessor.eventsPerSecond.cluster',
      'preprocessor events/s into a 3-primary Redis Cluster',
      {
        value: round(throughput.eventsPerSecond, 0),
        unit: 'events/s',
        detail: `${size['events']} preloaded events applied in ${round(throughput.seconds, 1)} s`,
      },
    ),
    figure(
      'preprocessor.nodeCpuMicrosPerEvent.cluster',
      'preprocessor Node CPU per event, cluster',
      {
        value: round(throughput.nodeCpuMicrosPerEvent, 1),
        unit: 'µs/event',
      },
    ),
    figure(
      'preprocessor.redisCpuMicrosPerEvent.cluster',
      'Redis CPU per event, summed over 3 primaries',
      {
        value: round(throughput.redisCpuMicrosPerEvent, 1),
        unit: 'µs/event',
        detail: `shares per primary ${shares}`,
      },
    ),
    {
      ...memoryFigure(cluster.memory),
      id: 'preprocessor.memoryGrowthRatio.cluster',
      label: `${memoryFigure(cluster.memory).label}, cluster`,
    },
  ];
}

function resultOf(input: {
  size: BenchResult['size'];
  startedAt: string;
  single: ArmResult;
  cluster: ArmResult;
}): BenchResult {
  const { throughput, raw, memory } = input.single;
  const { observed, reported } = input.single.freshness!;
  const rate = input.size['rate'];
  const ms = (value: number) => ({ value, unit: 'ms' });
  return {
    bench: 'preprocessor',
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    size: input.size,
    figures: [
      figure('preprocessor.eventsPerSecond', 'preprocessor events/s into Redis, one instance', {
        value: round(throughput.eventsPerSecond, 0),
        unit: 'events/s',
        detail: `${input.size['events']} preloaded events applied in ${round(throughput.seconds, 1)} s`,
        note: 'with point-in-time training examples and features.updated notices',
      }),
      ...costFigures(throughput, raw),
      memoryFigure(memory),
      ...clusterFigures(input.cluster, input.size),
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
    notes: [
      `Redis commands per event, one Redis (calls/µs): ${throughput.redisCommands}`,
      `Redis commands per event, cluster (calls/µs): ${input.cluster.throughput.redisCommands}`,
      ...(process.env['BENCH_PREPROCESSOR_ENV']
        ? [`preprocessor settings: ${process.env['BENCH_PREPROCESSOR_ENV']}`]
        : []),
    ],
  };
}

interface ArmResult {
  throughput: ThroughputCost;
  raw: { eventsPerSecond: number; cpuMicrosPerEvent: number };
  freshness?: { observed: LatencySummary; reported: LatencySummary };
  memory: MemoryGrowth;
}

type BenchSize = Record<string, number>;

/** One preprocessor on one Redis target: throughput and costs, freshness (when asked), memory growth. */
async function runArm(
  kafkaAddress: string,
  target: RedisTarget,
  options: { size: BenchSize; freshness: boolean },
): Promise<ArmResult> {
  const { size } = options;
  const setup = await setUp(kafkaAddress, target);
  const loadStarted = Date.now();
  await preload(setup.publisher, size['events']!);
  const preloaded = await preloadedOffsets(setup.kafka);
  process.stderr.write(
    `preloaded ${size['events']} events in ${Date.now() - loadStarted} ms; starting the preprocessor (${'url' in target ? 'one Redis' : 'Redis Cluster'})\n`,
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
    const freshness = options.freshness
      ? await measureFreshness({
          ...setup,
          rate: size['rate']!,
          seconds: size['seconds']!,
          probesPerSecond: size['probesPerSecond']!,
        })
      : undefined;
    const memory = await measureMemoryGrowth({
      ...setup,
      store: new FeatureStore(setup.redis),
      events: size['memoryEvents']!,
      population: { users: size['memoryUsers']!, items: size['memoryItems']!, label: 'memory' },
    });
    return { throughput, raw, memory, ...(freshness === undefined ? {} : { freshness }) };
  } finally {
    await preprocessor.stop();
    await Promise.all([setup.publisher.disconnect(), setup.redis.disconnect()]);
  }
}

/** The three-primary Redis Cluster: REDIS_CLUSTER_NODES, else tools/redis-cluster.sh (stopped after). */
async function withCluster<T>(run: (nodes: string) => Promise<T>): Promise<T> {
  const given = process.env['REDIS_CLUSTER_NODES'];
  if (given) return run(given);
  const started = await startLocal('redis-cluster');
  process.stderr.write(`redis cluster ${started.address} (local)\n`);
  try {
    return await run(started.address);
  } finally {
    if (started.startedNow) await stopLocal('redis-cluster');
  }
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
  await withInfrastructure(async ({ kafka, redis }) => {
    const single = await runArm(kafka.address, { url: redis.address }, { size, freshness: true });
    const cluster = await withCluster((nodes) =>
      runArm(kafka.address, { clusterNodes: nodes }, { size, freshness: false }),
    );
    report(resultOf({ size, startedAt, single, cluster }));
  });
}

runBench('preprocessor', main);
