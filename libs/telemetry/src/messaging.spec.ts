import { traceBatch, traceMessage, tracePublish } from './messaging';
import { activeTraceIds } from './propagation';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing';
import { traceWork } from './spans';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const traceparent = (traceId = TRACE_ID, spanId = PARENT_SPAN_ID) => `00-${traceId}-${spanId}-01`;
const parseTraceparent = (value: string | undefined) => {
  const [, traceId, spanId, flags] =
    /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value ?? '') ?? [];
  return { traceId, spanId, flags };
};

describe('Kafka spans', () => {
  let tracing: InMemoryTracing;

  beforeAll(() => {
    tracing = startInMemoryTracing('unit');
  });

  afterAll(async () => {
    await tracing.shutdown();
  });

  beforeEach(() => tracing.reset());

  it('hands a publish the trace headers of a send span that is a child of the active span', async () => {
    let headers: Record<string, string> = {};
    await traceWork('request', () =>
      tracePublish({ topic: 'events.raw.v1', messageCount: 2 }, async (traceHeaders) => {
        headers = traceHeaders;
      }),
    );
    const [send, request] = tracing.spans();
    expect(send).toMatchObject({ name: 'send events.raw.v1', kind: 'producer' });
    expect(send!.parentSpanId).toBe(request!.spanId);
    expect(send!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'events.raw.v1',
      'messaging.batch.message_count': 2,
    });
    expect(parseTraceparent(headers['traceparent'])).toEqual({
      traceId: request!.traceId,
      spanId: send!.spanId,
      flags: '01',
    });
  });

  it('processes a message in a child span of the producer context its headers carry', async () => {
    let active: ReturnType<typeof activeTraceIds>;
    await traceMessage(
      {
        topic: 'events.raw.v1',
        partition: 2,
        offset: '41',
        groupId: 'scorer.attribution',
        headers: { traceparent: traceparent() },
      },
      async () => {
        active = activeTraceIds();
      },
    );
    const [span] = tracing.spans();
    expect(span).toMatchObject({
      name: 'process events.raw.v1',
      kind: 'consumer',
      traceId: TRACE_ID,
      parentSpanId: PARENT_SPAN_ID,
      status: 'unset',
    });
    expect(span!.attributes).toMatchObject({
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 41,
      'messaging.consumer.group.name': 'scorer.attribution',
    });
    expect(active!).toEqual({ traceId: TRACE_ID, spanId: span!.spanId });
  });

  it('starts a new trace for a message without trace headers', async () => {
    await traceMessage(
      { topic: 't', partition: 0, offset: '0', groupId: 'g', headers: {} },
      async () => undefined,
    );
    const [span] = tracing.spans();
    expect(span!.parentSpanId).toBeUndefined();
    expect(span!.traceId).not.toBe(TRACE_ID);
  });

  it('marks a failed handling with the error code, never the message, and rethrows', async () => {
    const failure = Object.assign(new Error('user alice@example.com broke it'), {
      code: 'REDIS_UNAVAILABLE',
    });
    await expect(
      traceMessage({ topic: 't', partition: 0, offset: '0', groupId: 'g', headers: {} }, () =>
        Promise.reject(failure),
      ),
    ).rejects.toBe(failure);
    const [span] = tracing.spans();
    expect(span).toMatchObject({
      status: 'error',
      attributes: { 'error.type': 'REDIS_UNAVAILABLE' },
    });
    expect(JSON.stringify(span)).not.toContain('alice');
  });

  it('processes a batch in a span linked to every message, and each message in its own trace', async () => {
    const otherTrace = 'a'.repeat(32);
    const messages: Array<{ offset: string; headers: Record<string, string> }> = [
      { offset: '7', headers: { traceparent: traceparent() } },
      { offset: '8', headers: { traceparent: traceparent(otherTrace, '1'.repeat(16)) } },
      { offset: '9', headers: {} },
    ];
    let handedOn: Array<Record<string, string>> = [];
    let activeInBatch: ReturnType<typeof activeTraceIds>;
    await traceBatch(
      { topic: 'events.raw.v1', partition: 1, groupId: 'preprocessor', messages },
      async (headers) => {
        handedOn = headers;
        activeInBatch = activeTraceIds();
      },
    );
    const spans = tracing.spans();
    const batch = spans.find((span) => span.attributes['messaging.batch.message_count'] === 3)!;
    expect(batch.parentSpanId).toBeUndefined();
    expect(batch.links).toEqual([
      { traceId: TRACE_ID, spanId: PARENT_SPAN_ID },
      { traceId: otherTrace, spanId: '1'.repeat(16) },
    ]);
    expect(activeInBatch!).toEqual({ traceId: batch.traceId, spanId: batch.spanId });

    const perMessage = spans.filter((span) => span !== batch);
    expect(perMessage).toHaveLength(3);
    expect(perMessage[0]).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_SPAN_ID });
    expect(perMessage[1]).toMatchObject({ traceId: otherTrace, parentSpanId: '1'.repeat(16) });
    for (const span of perMessage)
      expect(span.links).toEqual([{ traceId: batch.traceId, spanId: batch.spanId }]);
    expect(handedOn.map((headers) => parseTraceparent(headers['traceparent']))).toEqual(
      perMessage.map((span) => ({ traceId: span.traceId, spanId: span.spanId, flags: '01' })),
    );
  });

  it('fails every span of a batch whose handling failed', async () => {
    await expect(
      traceBatch(
        { topic: 't', partition: 0, groupId: 'g', messages: [{ offset: '1', headers: {} }] },
        () => Promise.reject(Object.assign(new Error('x'), { code: 'KAFKA_UNAVAILABLE' })),
      ),
    ).rejects.toThrow('x');
    expect(tracing.spans().map((span) => span.status)).toEqual(['error', 'error']);
  });
});
