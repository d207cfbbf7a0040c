/**
 * Batch consumption for high-volume topics (the preprocessor): the handler receives up to `maxBatchSize`
 * raw messages of one partition and decides per message (including dead-lettering poison ones); offsets
 * are resolved and committed only after the handler finished.
 *
 * Resume position: with `resumeAfter`, each assigned partition resumes after the offset the handler's
 * own store says is applied (the beginning when it holds none), not at the group's committed offset,
 * and no batch of that partition is handled before the position is settled. The same holds after a
 * retriable failure: the store, not the consumer, knows what is applied (Redis may have restarted
 * without its last acknowledged writes), so the partition seeks back to after the store's offset and the
 * batch is dropped rather than retried in place. So writes a store lost are replayed, not skipped.
 *
 * Error policy, same spirit as KafkaTopicConsumer: a retriable error retries the chunk with backoff (or,
 * with `resumeAfter`, resumes from the store's offset after the backoff) and, if it persists, is
 * rethrown so nothing is committed (an outage blocks; nothing is lost). Any other error re-runs the chunk
 * one message at a time, so the one message that fails is dead-lettered and the rest of the partition
 * moves on.
 */
import type { Batch, Consumer, EachBatchPayload } from 'kafkajs';
import { AppError, isRetriable, type ErrorCode, type TopicName } from '@recsys/contracts';
import { traceBatch } from '@recsys/telemetry';
import { deadLetterMessage } from './dead-letter';
import { groupConsumerConfig } from './group-settings';
import { flattenHeaders } from './headers';
import type { KafkaClient } from './kafka-client';
import type { KafkaPublisher } from './publisher';

export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: string;
  /**
   * The message's headers; its trace headers are those of the message's own processing span (a child of
   * the producer's), so messages derived from it continue its trace: copy them with `traceHeadersOf`.
   */
  headers: Record<string, string>;
  /** Broker append time (ms). */
  timestamp: number;
}

export interface BatchConsumerOptions {
  topic: TopicName;
  groupId: string;
  service: string;
  handleBatch: (messages: RawMessage[]) => Promise<void>;
  deadLetters: KafkaPublisher;
  /** @default 500 */
  maxBatchSize?: number;
  /** @default 5 */
  maxAttempts?: number;
  /** @default 100 */
  retryBackoffMs?: number;
  /** @default 3 */
  partitionsConsumedConcurrently?: number;
  /**
   * The offset of a partition whose effects the handler's store holds (undefined: none, resume from the
   * beginning). Without it the consumer resumes at the group's committed offset.
   */
  resumeAfter?: (topic: string, partition: number) => Promise<bigint | undefined>;
  /** @default true */
  fromBeginning?: boolean;
  /**
   * How long the group waits for a silent member before giving its partitions to others (also the
   * rebalance timeout). A member killed without leaving stalls its partitions this long. @default 30000 (the broker's minimum is 6000)
   */
  sessionTimeoutMs?: number;
}

const MAX_BACKOFF_MS = 5_000;

export class KafkaBatchConsumer {
  private readonly consumer: Consumer;
  /** Per `<topic>:<partition>` assigned at the last join: settles once its resume position is set. */
  private readonly resumed = new Map<string, Promise<void>>();
  /** Per `<topic>:<partition>`: retriable failures in a row, each followed by a resume from the store. */
  private readonly failuresInARow = new Map<string, number>();

  constructor(
    private readonly client: KafkaClient,
    private readonly options: BatchConsumerOptions,
  ) {
    this.consumer = client.kafka.consumer({
      ...groupConsumerConfig(options),
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: this.client.topicName(this.options.topic),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    this.client.registerConsumerGroup({
      groupId: this.options.groupId,
      topic: this.options.topic,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    if (this.options.resumeAfter !== undefined) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) =>
        this.resumeAssigned(payload.memberAssignment),
      );
    }
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 1_000,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** Registers, synchronously, the resume of every partition just assigned (batches wait for it). */
  private resumeAssigned(assignment: Record<string, number[]>): void {
    this.resumed.clear();
    for (const [topic, partitions] of Object.entries(assignment))
      for (const partition of partitions)
        this.resumed.set(partitionKey(topic, partition), observed(this.resume(topic, partition)));
  }

  private async resume(topic: string, partition: number): Promise<void> {
    const stored = await this.options.resumeAfter!(topic, partition);
    const offset = stored === undefined ? await this.earliestOffset(topic, partition) : stored + 1n;
    this.consumer.seek({ topic, partition, offset: offset.toString() });
  }

  /**
   * Waits for the partition's resume position. If the store could not say it (Redis down), asks again
   * for the next attempt at a batch, after a pause: no batch is handled before the position is set.
   */
  private async settleResume(topic: string, partition: number): Promise<void> {
    const key = partitionKey(topic, partition);
    const pending = this.resumed.get(key);
    try {
      await pending;
    } catch (error) {
      if (this.resumed.get(key) === pending) {
        const again = sleep(this.backoffMs(1)).then(() => this.resume(topic, partition));
        this.resumed.set(key, observed(again));
      }
      throw error;
    }
  }

  /**
   * After the backoff of the failures in a row so far, seeks the partition to after what the store
   * holds (the current batch is then stale). Past `maxAttempts` in a row, rethrows the failure.
   */
  private async resumeAfterFailure(
    topic: string,
    partition: number,
    error: unknown,
  ): Promise<void> {
    const key = partitionKey(topic, partition);
    const failures = (this.failuresInARow.get(key) ?? 0) + 1;
    this.failuresInARow.set(key, failures);
    if (failures >= (this.options.maxAttempts ?? 5)) {
      this.failuresInARow.delete(key);
      throw error;
    }
    this.client.logger.warn(
      `${key}: ${error instanceof Error ? error.message : String(error)}; resuming after the store's offset (failure ${failures} in a row)`,
    );
    await sleep(this.backoffMs(failures));
    const resumed = observed(this.resume(topic, partition));
    this.resumed.set(key, resumed);
    await resumed;
  }

  private backoffMs(attempt: number): number {
    return Math.min((this.options.retryBackoffMs ?? 100) * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  }

  private async earliestOffset(topic: string, partition: number): Promise<bigint> {
    const admin = this.client.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return BigInt(offsets.find((entry) => entry.partition === partition)?.low ?? '0');
    } finally {
      await admin.disconnect();
    }
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition } = payload.batch;
    // A batch fetched before the partition's resume position was set is stale once it is: skip it.
    await this.settleResume(topic, partition);
    if (payload.isStale()) return;
    const size = this.options.maxBatchSize ?? 500;
    const messages = rawMessagesOf(payload.batch);
    for (let start = 0; start < messages.length; start += size) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = messages.slice(start, start + size);
      try {
        await this.traceChunk(payload.batch.partition, chunk);
        this.failuresInARow.delete(partitionKey(topic, partition));
      } catch (error) {
        if (this.options.resumeAfter === undefined || !isRetriable(error)) throw error;
        await this.resumeAfterFailure(topic, partition, error);
        return;
      }
      payload.resolveOffset(chunk[chunk.length - 1]!.offset);
      await payload.heartbeat();
      await payload.commitOffsetsIfNecessary();
    }
  }

  /** One `process <topic>` span per chunk, linked to its messages; one child span per message. */
  private traceChunk(partition: number, chunk: RawMessage[]): Promise<void> {
    const batch = {
      topic: this.options.topic,
      partition,
      groupId: this.options.groupId,
      messages: chunk,
    };
    return traceBatch(batch, (traceHeaders) =>
      this.handleChunk(
        chunk.map((message, index) => ({
          ...message,
          headers: { ...message.headers, ...traceHeaders[index] },
        })),
      ),
    );
  }

  private async handleChunk(chunk: RawMessage[]): Promise<void> {
    try {
      await this.withRetries(() => this.options.handleBatch(chunk));
    } catch (error) {
      if (isRetriable(error)) throw error;
      for (const message of chunk) await this.handleAlone(message);
    }
  }

  private async handleAlone(message: RawMessage): Promise<void> {
    try {
      await this.withRetries(() => this.options.handleBatch([message]));
    } catch (error) {
      if (isRetriable(error)) throw error;
      const code: ErrorCode = error instanceof AppError ? error.code : 'HANDLER_FAILED';
      await this.options.deadLetters.publish('events.dlq.v1', [
        deadLetterMessage({
          reason: 'handler_error',
          code,
          message: error instanceof Error ? error.message : String(error),
          service: this.options.service,
          payload: message.value,
          source: { topic: message.topic, partition: message.partition, offset: message.offset },
          ...(message.key !== undefined ? { key: message.key } : {}),
        }),
      ]);
    }
  }

  /** Retries retriable failures in place, unless the store owns the position (see the header). */
  private async withRetries(run: () => Promise<void>): Promise<void> {
    const maxAttempts =
      this.options.resumeAfter === undefined ? (this.options.maxAttempts ?? 5) : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await run();
        return;
      } catch (error) {
        if (!isRetriable(error) || attempt >= maxAttempts) throw error;
        await sleep(this.backoffMs(attempt));
      }
    }
  }
}

/** `<topic>:<partition>`: how the per-partition maps name a partition. */
const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A resume kept for later batches: its failure is theirs to see, never an unhandled rejection. */
function observed(resume: Promise<void>): Promise<void> {
  resume.catch(() => undefined);
  return resume;
}

function rawMessagesOf(batch: Batch): RawMessage[] {
  return batch.messages.map((message) => {
    return {
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key?.toString('utf8'),
      value: message.value?.toString('utf8') ?? '',
      headers: flattenHeaders(message.headers),
      timestamp: Number(message.timestamp),
    };
  });
}
