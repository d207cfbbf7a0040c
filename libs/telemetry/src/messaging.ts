/**
 * Spans for Kafka, after the OpenTelemetry messaging conventions:
 *   - `send <topic>` (PRODUCER) around a publish; its context goes into every message's headers;
 *   - `process <topic>` (CONSUMER) around the handling of one message, a child of the producer's context,
 *     so a consumer continues the trace of what it consumes;
 *   - for a batch, one `process <topic>` span linked to each message's context (a batch has many
 *     parents), plus a child span per message in that message's trace whose context is handed to the
 *     work on it, so what is derived from one message continues that message's trace.
 * Attribute values are topic names, partitions, offsets and counts: never keys or payloads.
 */
import { context, ROOT_CONTEXT, SpanKind, trace, type Link } from '@opentelemetry/api';
import { contextFromHeaders, traceHeadersOfContext } from './propagation';
import { markFailed, runInSpan, tracer } from './span-outcome';

/** Messaging attribute names (still "development" in the conventions, so spelled out here). */
const ATTR = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  partition: 'messaging.destination.partition.id',
  offset: 'messaging.kafka.offset',
  group: 'messaging.consumer.group.name',
  batchCount: 'messaging.batch.message_count',
} as const;

/** The spec's default limit of links per span; a larger batch links its first messages. */
export const MAX_BATCH_LINKS = 128;

export interface PublishTrace {
  topic: string;
  messageCount: number;
}

/**
 * Runs a publish inside a `send <topic>` span. `run` receives the trace headers every message of the
 * publish carries (computed once: all messages of one publish share the span).
 */
export function tracePublish<T>(
  publish: PublishTrace,
  run: (traceHeaders: Record<string, string>) => Promise<T>,
): Promise<T> {
  const parent = context.active();
  const span = tracer().startSpan(
    `send ${publish.topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [ATTR.system]: 'kafka',
        [ATTR.destination]: publish.topic,
        [ATTR.operationType]: 'send',
        [ATTR.operationName]: 'send',
        [ATTR.batchCount]: publish.messageCount,
      },
    },
    parent,
  );
  const headers = traceHeadersOfContext(trace.setSpan(parent, span));
  return runInSpan(span, parent, () => run(headers));
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  headers: Readonly<Record<string, string>>;
}

/** Runs the handling of one message inside a `process <topic>` span continuing the producer's trace. */
export function traceMessage<T>(
  message: ConsumedMessage & { groupId: string },
  run: () => Promise<T>,
): Promise<T> {
  const parent = contextFromHeaders(message.headers);
  const span = tracer().startSpan(
    `process ${message.topic}`,
    { kind: SpanKind.CONSUMER, attributes: processAttributes(message, message.groupId) },
    parent,
  );
  return runInSpan(span, parent, run);
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  groupId: string;
  messages: ReadonlyArray<{ offset: string; headers: Readonly<Record<string, string>> }>;
}

/**
 * Runs the handling of a batch inside a `process <topic>` span (a new trace, linked to the messages'
 * contexts), with one child span per message in that message's own trace. `run` receives, per message
 * and in order, the trace headers of its span: hand them on to anything derived from that message.
 */
export async function traceBatch<T>(
  batch: ConsumedBatch,
  run: (messageTraceHeaders: Array<Record<string, string>>) => Promise<T>,
): Promise<T> {
  const parents = batch.messages.map((message) => contextFromHeaders(message.headers));
  const batchSpan = tracer().startSpan(
    `process ${batch.topic}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links: linksOf(parents.slice(0, MAX_BATCH_LINKS)),
      attributes: {
        ...processAttributes({ topic: batch.topic, partition: batch.partition }, batch.groupId),
        [ATTR.batchCount]: batch.messages.length,
      },
    },
    ROOT_CONTEXT,
  );
  const batchLink: Link = { context: batchSpan.spanContext() };
  // Per-message spans are kept lean (their offset and a link to the batch, which holds the rest): a
  // batch of 500 creates 500 of them, and the preprocessor's throughput must not notice.
  const messageSpans = batch.messages.map((message, index) =>
    tracer().startSpan(
      `process ${batch.topic}`,
      {
        kind: SpanKind.CONSUMER,
        links: [batchLink],
        attributes: { [ATTR.offset]: Number(message.offset) },
      },
      parents[index],
    ),
  );
  const headers = messageSpans.map((span, index) =>
    traceHeadersOfContext(trace.setSpan(parents[index]!, span)),
  );
  try {
    return await runInSpan(batchSpan, ROOT_CONTEXT, () => run(headers));
  } catch (error) {
    for (const span of messageSpans) markFailed(span, error);
    throw error;
  } finally {
    for (const span of messageSpans) span.end();
  }
}

function linksOf(parents: ReturnType<typeof contextFromHeaders>[]): Link[] {
  return parents.flatMap((parent) => {
    const spanContext = trace.getSpanContext(parent);
    return spanContext !== undefined && trace.isSpanContextValid(spanContext)
      ? [{ context: spanContext }]
      : [];
  });
}

function processAttributes(
  where: { topic: string; partition: number; offset?: string },
  groupId: string,
): Record<string, string | number> {
  return {
    [ATTR.system]: 'kafka',
    [ATTR.destination]: where.topic,
    [ATTR.operationType]: 'process',
    [ATTR.operationName]: 'process',
    [ATTR.partition]: String(where.partition),
    [ATTR.group]: groupId,
    ...(where.offset === undefined ? {} : { [ATTR.offset]: Number(where.offset) }),
  };
}
