/**
 * Consuming with one error policy for the whole platform:
 *   - a message that is not JSON or breaks its topic's contract → dead letter, then commit;
 *   - the handler throws a retriable error → retry in process with backoff up to `maxAttempts`, then
 *     throw so the offset is NOT committed and the message comes back (infrastructure outages block
 *     the partition on purpose: nothing is lost while Redis or Kafka are away);
 *   - the handler throws anything else → dead letter with the error code, then commit, so a poison
 *     message never blocks its partition.
 * If the dead-letter write itself fails, the offset is not committed either.
 */
import type { Consumer, EachMessagePayload, KafkaMessage } from 'kafkajs';
import {
  AppError,
  isRetriable,
  topics,
  toValidationIssues,
  type ErrorCode,
  type PayloadOf,
  type TopicName,
  type ValidationIssue,
} from '@recsys/contracts';
import { traceMessage } from '@recsys/telemetry';
import { deadLetterMessage, type DeadLetterInput } from './dead-letter';
import { groupConsumerConfig } from './group-settings';
import { flattenHeaders } from './headers';
import type { KafkaClient } from './kafka-client';
import type { KafkaPublisher } from './publisher';

export interface ReceivedMessage<T extends TopicName> {
  value: PayloadOf<T>;
  key: string | undefined;
  headers: Record<string, string>;
  partition: number;
  offset: string;
  /** Broker append time (ms since epoch). */
  timestamp: number;
}

export interface ConsumerOptions<T extends TopicName> {
  topic: T;
  groupId: string;
  /** Service name written into dead letters. */
  service: string;
  handle: (message: ReceivedMessage<T>) => Promise<void>;
  /** Publisher used for dead letters (shared with the service's other publishing). */
  deadLetters: KafkaPublisher;
  /** @default 5 */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt. @default 100 */
  retryBackoffMs?: number;
  /** Start from the earliest offset when the group has no committed offset. @default true */
  fromBeginning?: boolean;
  /** @default 1 */
  partitionsConsumedConcurrently?: number;
  /** Session and rebalance timeout: how long a member killed without leaving stalls the group. @default 30000 */
  sessionTimeoutMs?: number;
  /**
   * Called once a message was dead-lettered (it broke its contract, or its handler failed for good)
   * with what could be read of it: a request/reply consumer answers the requester with the error, so
   * it does not wait for ever. A throw leaves the offset uncommitted: the message comes back.
   */
  onRejected?: (rejected: RejectedMessage) => Promise<void>;
}

/** A message that was dead-lettered, as far as it could be read. */
export interface RejectedMessage {
  /** The parsed JSON (possibly breaking the contract); undefined when the value is not JSON. */
  value: unknown;
  key: string | undefined;
  headers: Record<string, string>;
  code: ErrorCode;
  message: string;
  retriable: boolean;
  issues?: ValidationIssue[];
}

const MAX_BACKOFF_MS = 5_000;

export class KafkaTopicConsumer<T extends TopicName> {
  private readonly consumer: Consumer;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: ConsumerOptions<T>,
  ) {
    this.consumer = client.kafka.consumer(groupConsumerConfig(options));
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
    await this.consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachMessage: (payload) => this.processMessage(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** In a `process <topic>` span continuing the producer's trace (see libs/telemetry). */
  private processMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const traced = {
      topic: this.options.topic,
      partition,
      offset: message.offset,
      headers: flattenHeaders(message.headers),
      groupId: this.options.groupId,
    };
    return traceMessage(traced, async () => {
      const source = { topic, partition, offset: message.offset };
      const decoded = this.decode(message, partition);
      if ('deadLetter' in decoded) {
        const letter = decoded.deadLetter;
        await this.deadLetter({ ...letter, source });
        await this.options.onRejected?.({
          value: decoded.json,
          key: letter.key,
          headers: traced.headers,
          code: letter.code,
          message: letter.message,
          retriable: false,
          ...(letter.issues === undefined ? {} : { issues: letter.issues }),
        });
        return;
      }
      await this.handleWithRetries(decoded.message, source);
    });
  }

  private decode(
    message: KafkaMessage,
    partition: number,
  ):
    | { message: ReceivedMessage<T> }
    | { deadLetter: Omit<DeadLetterInput, 'source'>; json?: unknown } {
    const raw = message.value?.toString('utf8') ?? '';
    const base = {
      service: this.options.service,
      payload: raw,
      key: message.key?.toString('utf8'),
    };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return {
        deadLetter: {
          ...base,
          reason: 'malformed_json',
          code: 'PAYLOAD_NOT_JSON',
          message: 'message value is not JSON',
        },
      };
    }
    const parsed = topics[this.options.topic].schema.safeParse(json);
    if (!parsed.success) {
      return {
        json,
        deadLetter: {
          ...base,
          reason: 'schema_violation',
          code: 'MESSAGE_INVALID',
          message: `message breaks the ${this.options.topic} contract`,
          issues: toValidationIssues(parsed.error),
          ...identityOf(json),
        },
      };
    }
    return {
      message: {
        value: parsed.data as PayloadOf<T>,
        key: message.key?.toString('utf8'),
        headers: flattenHeaders(message.headers),
        partition,
        offset: message.offset,
        timestamp: Number(message.timestamp),
      },
    };
  }

  private async handleWithRetries(
    message: ReceivedMessage<T>,
    source: { topic: string; partition: number; offset: string },
  ): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.handle(message);
        return;
      } catch (error) {
        if (!isRetriable(error)) {
          await this.deadLetterHandlerError(error, message, source);
          return;
        }
        if (attempt >= maxAttempts) throw error;
        await sleep(
          Math.min((this.options.retryBackoffMs ?? 100) * 2 ** (attempt - 1), MAX_BACKOFF_MS),
        );
      }
    }
  }

  private async deadLetterHandlerError(
    error: unknown,
    message: ReceivedMessage<T>,
    source: { topic: string; partition: number; offset: string },
  ): Promise<void> {
    const code: ErrorCode = error instanceof AppError ? error.code : 'HANDLER_FAILED';
    const text = error instanceof Error ? error.message : String(error);
    await this.deadLetter({
      reason: 'handler_error',
      code,
      message: text,
      service: this.options.service,
      payload: JSON.stringify(message.value),
      source,
      ...(message.key !== undefined ? { key: message.key } : {}),
      ...identityOf(message.value),
    });
    await this.options.onRejected?.({
      value: message.value,
      key: message.key,
      headers: message.headers,
      code,
      message: text,
      retriable: false,
    });
  }

  private async deadLetter(input: DeadLetterInput): Promise<void> {
    await this.options.deadLetters.publish('events.dlq.v1', [deadLetterMessage(input)]);
  }
}

function identityOf(value: unknown): { eventId?: string; eventType?: string } {
  if (typeof value !== 'object' || value === null) return {};
  const record = value as Record<string, unknown>;
  return {
    ...(typeof record['eventId'] === 'string' ? { eventId: record['eventId'] } : {}),
    ...(typeof record['eventType'] === 'string' ? { eventType: record['eventType'] } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
