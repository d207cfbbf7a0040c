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
import { AppError, type PayloadOf, type TopicName } from '@recsys/contracts';
import { tracePublish } from '@recsys/telemetry';
import { randomUUID } from 'node:crypto';
import { isBrokerUnreachable, SEND_TIMEOUT_REASON } from './broker-failure';
import { cloudEventHeaders, messageHeaders, type CloudEventContext } from './cloud-event-headers';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker';
import type { KafkaClient } from './kafka-client';

export interface OutgoingMessage<T extends TopicName> {
  key: string;
  value: PayloadOf<T>;
  headers?: Record<string, string>;
}

export interface PublisherOptions {
  /** `ce_source` of every message. @default the connection's client id */
  source?: string;
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
  /**
   * Most message bytes in one produce request. kafkajs puts all messages of a partition into one record
   * batch, and the broker refuses a batch over its `message.max.bytes` (1 MiB by default) — after which
   * the idempotent producer's sequence numbers are out of step too. Larger sends are split into several
   * requests, sent one after the other. @default 524288
   */
  maxRequestBytes?: number;
  /**
   * Fail fast while the cluster is unreachable: after the first connection error or send timeout every
   * waiting and every new publish fails at once with KAFKA_UNAVAILABLE (`details.circuit` = `open`)
   * until a metadata probe (every `probeIntervalMs`) or a send succeeds. Absent: no breaker.
   */
  circuitBreaker?: Pick<CircuitBreakerOptions, 'probeIntervalMs'>;
}

/** Told about every publish Kafka acknowledged (metrics count messages by topic and dead-letter reason). */
export type PublishListener = (
  topic: TopicName,
  messages: ReadonlyArray<OutgoingMessage<TopicName>>,
) => void;

interface PendingSend {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve: (metadata: RecordMetadata[]) => void;
  reject: (error: unknown) => void;
  /** Its caller was already told KAFKA_UNAVAILABLE (the send timeout passed): not sent any more. */
  expired?: boolean;
}

/** Part of one or more sends that goes out as one produce request. */
interface ProduceRequest {
  pieces: Array<{ send: PendingSend; messages: Message[] }>;
}

const DEFAULT_SEND_TIMEOUT_MS = 10_000;

export class KafkaPublisher {
  private readonly producer: Producer;
  private readonly sendTimeoutMs: number;
  private readonly compression: CompressionTypes;
  private readonly lingerMs: number;
  private readonly maxBatchMessages: number;
  private readonly maxRequestBytes: number;
  private pending: PendingSend[] = [];
  private pendingMessages = 0;
  private pendingBytes = 0;
  /** The tail of the requests sent so far (`produce` never rejects, so the chain never breaks). */
  private sending: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private connected = false;
  private readonly listeners: PublishListener[] = [];
  /** Sends whose callers still wait (queued or in a request under way). */
  private readonly waiting = new Set<PendingSend>();
  /** Present when the options asked for one. */
  readonly circuit: CircuitBreaker | undefined;
  private readonly cloudEvents: CloudEventContext;

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
    this.maxRequestBytes = options.maxRequestBytes ?? 512 * 1024;
    this.cloudEvents = {
      source: options.source ?? client.config.clientId,
      newId: randomUUID,
      now: () => new Date(),
    };
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
    this.circuit = options.circuitBreaker && this.createCircuit(options.circuitBreaker);
  }

  /** On opening, every caller still waiting is told at once rather than after its send timeout. */
  private createCircuit(options: Pick<CircuitBreakerOptions, 'probeIntervalMs'>): CircuitBreaker {
    const circuit = new CircuitBreaker({ ...options, probe: () => this.client.isHealthy() });
    circuit.onStateChange((state, previous) => {
      if (state !== 'open' || previous !== 'closed') return;
      for (const send of [...this.waiting]) {
        send.expired = true;
        send.reject(this.circuitOpenError(send.topic));
      }
    });
    return circuit;
  }

  private circuitOpenError(topic: string): AppError {
    return new AppError(
      'KAFKA_UNAVAILABLE',
      `Kafka is unreachable: nothing is sent to ${topic} until a probe (every ${this.circuit?.probeIntervalMs} ms) reaches it again`,
      { details: { circuit: 'open' } },
    );
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.circuit?.stop();
    if (this.pending.length > 0) this.flush();
    await this.sending;
    await this.producer.disconnect();
    this.connected = false;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Adds an observer of acknowledged publishes. */
  onPublished(listener: PublishListener): void {
    this.listeners.push(listener);
  }

  /**
   * Publishes messages to one topic; resolves once all in-sync replicas acknowledged them. Calls arriving
   * within the linger time share one produce request (order within a topic and key is kept). Each message
   * carries the trace context of the publish (a `send <topic>` span in the caller's trace) unless it
   * brings its own `traceparent`.
   */
  async publish<T extends TopicName>(
    topic: T,
    messages: OutgoingMessage<T>[],
  ): Promise<RecordMetadata[]> {
    if (messages.length === 0) return [];
    if (this.circuit?.refusesCalls === true)
      throw this.circuitOpenError(this.client.topicName(topic));
    const metadata = await tracePublish({ topic, messageCount: messages.length }, (traceHeaders) =>
      this.enqueue(topic, messages, traceHeaders),
    );
    for (const listener of this.listeners) {
      // Observers (metrics) never fail a publish Kafka acknowledged.
      try {
        listener(topic, messages);
      } catch {
        continue;
      }
    }
    return metadata;
  }

  private enqueue<T extends TopicName>(
    topic: T,
    messages: OutgoingMessage<T>[],
    traceHeaders: Record<string, string>,
  ): Promise<RecordMetadata[]> {
    return new Promise<RecordMetadata[]>((resolve, reject) => {
      const kafkaMessages = messages.map((message) =>
        toKafkaMessage(message, {
          traceHeaders,
          cloudEvent: cloudEventHeaders(topic, message.value, this.cloudEvents),
        }),
      );
      const bytes = kafkaMessages.reduce((sum, message) => sum + sizeOf(message), 0);
      this.pending.push(
        this.withDeadline({
          topic: this.client.topicName(topic),
          messages: kafkaMessages,
          bytes,
          resolve,
          reject,
        }),
      );
      this.pendingMessages += messages.length;
      this.pendingBytes += bytes;
      const full =
        this.pendingMessages >= this.maxBatchMessages || this.pendingBytes >= this.maxRequestBytes;
      if (full || this.lingerMs === 0) this.flush();
      else this.flushTimer ??= setTimeout(() => this.flush(), this.lingerMs);
    });
  }

  /**
   * The send timeout bounds the caller's whole wait, queueing behind earlier requests included: while
   * Kafka is away every request ahead runs into its own timeout, so a per-request bound alone would make
   * the N-th caller wait N timeouts.
   */
  private withDeadline(send: PendingSend): PendingSend {
    const { resolve, reject } = send;
    const deadline = setTimeout(() => {
      send.expired = true;
      send.reject(sendTimeoutError(send.topic, this.sendTimeoutMs));
      this.circuit?.recordFailure();
    }, this.sendTimeoutMs);
    const settle = () => {
      clearTimeout(deadline);
      this.waiting.delete(send);
    };
    send.resolve = (metadata) => {
      settle();
      resolve(metadata);
    };
    send.reject = (error) => {
      settle();
      reject(error);
    };
    this.waiting.add(send);
    return send;
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const sends = this.pending;
    this.pending = [];
    this.pendingMessages = 0;
    this.pendingBytes = 0;
    const requests = splitIntoRequests(sends, this.maxRequestBytes);
    const results = new Map<PendingSend, RecordMetadata[]>(sends.map((send) => [send, []]));
    const failed = new Set<PendingSend>();
    // Requests go out strictly in the order they were collected, across flushes too, so a later
    // publish() never overtakes an earlier one (per-key order).
    this.sending = requests
      .reduce(
        (previous, request) => previous.then(() => this.produce(request, { results, failed })),
        this.sending,
      )
      .then(() => {
        for (const send of sends) if (!failed.has(send)) send.resolve(results.get(send) ?? []);
      });
  }

  /** Sends one request; its sends collect the acknowledgements or fail (once) with the error. */
  private async produce(
    request: ProduceRequest,
    state: { results: Map<PendingSend, RecordMetadata[]>; failed: Set<PendingSend> },
  ): Promise<void> {
    const pieces = request.pieces.filter(
      (piece) => !state.failed.has(piece.send) && piece.send.expired !== true,
    );
    if (pieces.length === 0) return;
    const topicMessages = new Map<string, Message[]>();
    for (const { send, messages } of pieces) {
      topicMessages.set(send.topic, [...(topicMessages.get(send.topic) ?? []), ...messages]);
    }
    try {
      const metadata = await withTimeout(
        this.producer.sendBatch({
          acks: -1,
          compression: this.compression,
          topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })),
        }),
        this.sendTimeoutMs,
        [...topicMessages.keys()].join(','),
      );
      this.circuit?.recordSuccess();
      for (const { send } of pieces) {
        state.results
          .get(send)
          ?.push(...metadata.filter((entry) => entry.topicName === send.topic));
      }
    } catch (error) {
      this.fail(pieces, error, state.failed);
    }
  }

  /** Fails each send of a request once; a broker that cannot be reached opens the circuit too. */
  private fail(pieces: ProduceRequest['pieces'], error: unknown, failed: Set<PendingSend>): void {
    for (const { send } of pieces) {
      if (failed.has(send)) continue;
      failed.add(send);
      send.reject(error);
    }
    if (isBrokerUnreachable(error)) this.circuit?.recordFailure();
  }
}

function sizeOf(message: Message): number {
  const value = message.value;
  const valueBytes = typeof value === 'string' ? Buffer.byteLength(value) : (value?.length ?? 0);
  // Key, headers and record overhead: small next to the JSON value; a fixed allowance is enough.
  return valueBytes + 128;
}

/** Cuts the collected sends into requests of at most `maxBytes` (a lone larger message goes alone). */
function splitIntoRequests(sends: readonly PendingSend[], maxBytes: number): ProduceRequest[] {
  const requests: ProduceRequest[] = [{ pieces: [] }];
  let currentBytes = 0;
  const current = () => requests[requests.length - 1]!;
  for (const send of sends) {
    for (const message of send.messages) {
      const bytes = sizeOf(message);
      if (currentBytes + bytes > maxBytes && currentBytes > 0) {
        requests.push({ pieces: [] });
        currentBytes = 0;
      }
      pieceOf(current(), send).messages.push(message);
      currentBytes += bytes;
    }
  }
  return requests.filter((request) => request.pieces.length > 0);
}

/** The request's piece for `send`, started when the request has none yet. */
function pieceOf(request: ProduceRequest, send: PendingSend): { messages: Message[] } {
  const last = request.pieces[request.pieces.length - 1];
  if (last?.send === send) return last;
  const piece = { send, messages: [] as Message[] };
  request.pieces.push(piece);
  return piece;
}

/** The message as sent: JSON value, CloudEvents headers (see cloud-event-headers.ts) and trace context. */
function toKafkaMessage<T extends TopicName>(
  message: OutgoingMessage<T>,
  headers: { traceHeaders: Record<string, string>; cloudEvent: Record<string, string> },
): Message {
  return {
    key: message.key,
    value: JSON.stringify(message.value),
    headers: messageHeaders(headers.cloudEvent, headers.traceHeaders, message.headers),
  };
}

function sendTimeoutError(topic: string, timeoutMs: number): AppError {
  return new AppError(
    'KAFKA_UNAVAILABLE',
    `Kafka did not acknowledge ${topic} within ${timeoutMs} ms`,
    {
      details: { reason: SEND_TIMEOUT_REASON },
    },
  );
}

async function withTimeout<R>(promise: Promise<R>, timeoutMs: number, topic: string): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(sendTimeoutError(topic, timeoutMs)), timeoutMs);
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
