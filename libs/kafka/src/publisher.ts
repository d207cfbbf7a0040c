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
}

const DEFAULT_SEND_TIMEOUT_MS = 10_000;

export class KafkaPublisher {
  private readonly producer: Producer;
  private readonly sendTimeoutMs: number;
  private readonly compression: CompressionTypes;
  private connected = false;

  constructor(
    private readonly client: KafkaClient,
    options: PublisherOptions = {},
  ) {
    this.sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    this.compression =
      options.compression === 'none' ? CompressionTypes.None : CompressionTypes.GZIP;
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
    await this.producer.disconnect();
    this.connected = false;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Publishes a batch to one topic in one request per broker; resolves once all replicas acknowledged. */
  async publish<T extends TopicName>(
    topic: T,
    messages: OutgoingMessage<T>[],
  ): Promise<RecordMetadata[]> {
    if (messages.length === 0) return [];
    const send = this.producer.send({
      topic: this.client.topicName(topic),
      acks: -1,
      compression: this.compression,
      messages: messages.map(toKafkaMessage),
    });
    return withTimeout(send, this.sendTimeoutMs, topic);
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
