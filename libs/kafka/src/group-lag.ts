/**
 * Lag of the consumer groups this process consumes with (the groups its consumers registered on the
 * KafkaClient): high watermark − committed offset, per partition, read with the admin API so a stuck
 * consumer cannot hide its own backlog. Results are reused for `maxAgeMs`, so scrapes by several
 * Prometheus servers cost one read. (measureConsumerLag in consumer-lag.ts reports every group of the
 * deployment, for the console; this is the per-service view behind the metrics.)
 */
import type { Admin } from 'kafkajs';
import { AppError, type TopicName } from '@recsys/contracts';
import type { ConsumedGroup, KafkaClient } from './kafka-client';

export interface PartitionLagSample {
  groupId: string;
  topic: TopicName;
  partition: number;
  /** Messages on the partition the group has not committed yet. */
  lag: number;
}

export interface GroupLagReaderOptions {
  /** A read younger than this is answered again. @default 10000 */
  maxAgeMs?: number;
  /** A read that takes longer fails with a retriable KAFKA_UNAVAILABLE. @default 5000 */
  timeoutMs?: number;
  /** @default Date.now */
  now?: () => number;
}

interface PartitionEnd {
  partition: number;
  high: string;
  low: string;
}

/**
 * Lag of one group on one topic. A partition without a committed offset lags by everything retained
 * when the group starts from the beginning, and by nothing when it starts at the end (it has not
 * received anything yet, so there is nothing it fell behind on).
 */
export function partitionLags(input: {
  group: ConsumedGroup;
  ends: readonly PartitionEnd[];
  committed: ReadonlyArray<{ partition: number; offset: string }>;
}): PartitionLagSample[] {
  const committedOf = new Map(input.committed.map((entry) => [entry.partition, entry.offset]));
  return input.ends.map((end) => {
    const offset = committedOf.get(end.partition) ?? '-1';
    const position =
      offset !== '-1'
        ? BigInt(offset)
        : input.group.fromBeginning
          ? BigInt(end.low)
          : BigInt(end.high);
    const lag = BigInt(end.high) - position;
    return {
      groupId: input.group.groupId,
      topic: input.group.topic,
      partition: end.partition,
      lag: lag > 0n ? Number(lag) : 0,
    };
  });
}

export class ConsumerGroupLagReader {
  private admin: Admin | undefined;
  private cached: { atMs: number; samples: PartitionLagSample[] } | undefined;
  private inFlight: Promise<PartitionLagSample[]> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: GroupLagReaderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Lag of every registered group, per partition (empty while the process consumes nothing). */
  async read(): Promise<PartitionLagSample[]> {
    const groups = this.client.consumedGroups;
    if (groups.length === 0) return [];
    const startedAt = this.now();
    if (
      this.cached !== undefined &&
      startedAt - this.cached.atMs < (this.options.maxAgeMs ?? 10_000)
    )
      return this.cached.samples;
    this.inFlight ??= withTimeout(this.measure(groups), this.options.timeoutMs ?? 5_000).finally(
      () => (this.inFlight = undefined),
    );
    const samples = await this.inFlight;
    this.cached = { atMs: startedAt, samples };
    return samples;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect();
  }

  private async measure(groups: ConsumedGroup[]): Promise<PartitionLagSample[]> {
    try {
      const admin = await this.connectedAdmin();
      const topics = [...new Set(groups.map((group) => group.topic))];
      const ends = new Map(
        await Promise.all(
          topics.map(
            async (topic) =>
              [topic, await admin.fetchTopicOffsets(this.client.topicName(topic))] as const,
          ),
        ),
      );
      const committed = await Promise.all(
        groups.map((group) =>
          admin.fetchOffsets({
            groupId: group.groupId,
            topics: [this.client.topicName(group.topic)],
          }),
        ),
      );
      return groups.flatMap((group, index) =>
        partitionLags({
          group,
          ends: ends.get(group.topic) ?? [],
          committed: committed[index]?.[0]?.partitions ?? [],
        }),
      );
    } catch (error) {
      await this.close().catch(() => undefined);
      throw error;
    }
  }

  /** One admin connection, kept between reads and replaced after a failure. */
  private async connectedAdmin(): Promise<Admin> {
    if (this.admin !== undefined) return this.admin;
    const admin = this.client.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new AppError('KAFKA_UNAVAILABLE', `consumer lag not read within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
