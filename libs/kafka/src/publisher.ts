/**
 * Typed publishing: the topic decides the payload type, so a topic and a payload cannot be mismatched.
 * Idempotent producer with acks from all in-sync replicas; a send that Kafka has not acknowledged within
 * `sendTimeoutMs` fails with a retriable KAFKA_UNAVAILABLE instead of hanging the caller.
 */
import {
  CompressionTypes,
  Partitioners,
  type Message,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';
import { AppError, headerNames, type PayloadOf, type TopicName } from '@recsys/contracts';
import type { KafkaClient } from './kafka-client';

export interface OutgoingMessage<T extends TopicName> {
  key: string;
  value: PayloadOf<T>;
  headers?: Record<string, string>;
}

export interface PublisherOptions {
  /** @default 10000 */
  sendTimeoutMs?: number;
  /** Overrides the connection's KAFKA_COMPRESSION for this publisher. */
  compression?: 'none' | 'gzip';
  /**
   * How long concurrent publish() calls are collected into one produce request. kafkajs has no linger of
   * its own, and its idempotent producer sends one request at a time, so without this every caller (every
   * HTTP request of the collector) would wait for the previous caller's round trip. @default 2
   */
  lingerMs?: number;
  /** A collected batch is sent at once when it reaches this many messages. @default 5000 */
  maxBatchMessages?: number;
}

interface PendingSend {
  topic: string;
  messages: Message[];
  resolve: (metadata: RecordMetadata[]) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_SEND_TIMEOUT_MS = 10_000;

export class KafkaPublisher {
  private readonly producer: Producer;
  private readonly sendTimeoutMs: number;
  private readonly compression: CompressionTypes;
  private readonly lingerMs: number;
  private readonly maxBatchMessages: number;
  private pending: PendingSend[] = [];
  private pendingMessages = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private connected = false;

  constructor(
    private readonly client: KafkaClient,
    options: PublisherOptions = {},
  ) {
    this.sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    this.compression =
      (options.compression ?? client.config.compression) === 'gzip'
        ? CompressionTypes.GZIP
        : CompressionTypes.None;
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatchMessages = options.maxBatchMessages ?? 5_000;
    this.producer = client.kafka.producer({
      idempotent: true,
      // Idempotence in kafkajs requires one in-flight request per broker; it also keeps per-key order.
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    await this.producer.disconnect();
    this.connected = false;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /**
   * Publishes messages to one topic; resolves once all in-sync replicas acknowledged them. Calls arriving
   * within the linger time share one produce request (order within a topic and key is kept).
   */
  async publish<T extends TopicName>(
    topic: T,
    messages: OutgoingMessage<T>[],
  ): Promise<RecordMetadata[]> {
    if (messages.length === 0) return [];
    return new Promise<RecordMetadata[]>((resolve, reject) => {
      this.pending.push({
        topic: this.client.topicName(topic),
        messages: messages.map(toKafkaMessage),
        resolve,
        reject,
      });
      this.pendingMessages += messages.length;
      if (this.pendingMessages >= this.maxBatchMessages || this.lingerMs === 0) this.flush();
      else this.flushTimer ??= setTimeout(() => this.flush(), this.lingerMs);
    });
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const sends = this.pending;
    this.pending = [];
    this.pendingMessages = 0;
    const topicMessages = new Map<string, Message[]>();
    for (const send of sends) {
      const forTopic = topicMessages.get(send.topic) ?? [];
      forTopic.push(...send.messages);
      topicMessages.set(send.topic, forTopic);
    }
    const batch = this.producer.sendBatch({
      acks: -1,
      compression: this.compression,
      topicMessages: [...topicMessages].map(([topic, batchMessages]) => ({
        topic,
        messages: batchMessages,
      })),
    });
    withTimeout(batch, this.sendTimeoutMs, [...topicMessages.keys()].join(',')).then(
      (metadata) =>
        sends.forEach((send) =>
          send.resolve(metadata.filter((entry) => entry.topicName === send.topic)),
        ),
      (error: unknown) => sends.forEach((send) => send.reject(error)),
    );
  }
}

function toKafkaMessage<T extends TopicName>(message: OutgoingMessage<T>): Message {
  return {
    key: message.key,
    value: JSON.stringify(message.value),
    headers: { [headerNames.contentType]: 'application/json', ...message.headers },
  };
}

async function withTimeout<R>(promise: Promise<R>, timeoutMs: number, topic: string): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'KAFKA_UNAVAILABLE',
            `Kafka did not acknowledge ${topic} within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('KAFKA_UNAVAILABLE', `publishing to ${topic} failed: ${String(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}
