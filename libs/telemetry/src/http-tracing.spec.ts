import Fastify, { type FastifyInstance } from 'fastify';
import { instrumentHttpTracing } from './http-tracing';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing';
import { activeTraceHeaders, activeTraceIds } from './propagation';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';

describe('instrumentHttpTracing', () => {
  let tracing: InMemoryTracing;
  let fastify: FastifyInstance;

  beforeAll(async () => {
    tracing = startInMemoryTracing('unit');
    fastify = Fastify();
    instrumentHttpTracing(fastify);
    fastify.post('/v1/users/:userId/things', async (_request, reply) => {
      // Work after the body was read and after an await still runs in the request's span.
      await new Promise((resolve) => setTimeout(resolve, 1));
      return reply.send({ active: activeTraceIds(), outgoing: activeTraceHeaders() });
    });
    fastify.get('/v1/fail', async () => {
      throw Object.assign(new Error('boom for bob@example.com'), { code: 'REDIS_UNAVAILABLE' });
    });
    fastify.get('/health/ready', async () => ({ status: 'ready' }));
    await fastify.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await fastify.close();
    await tracing.shutdown();
  });

  beforeEach(() => tracing.reset());

  it("continues the caller's trace in a span named by the route pattern, active in the handler", async () => {
    // Over a real socket: the body arrives in socket callbacks, outside the context of onRequest.
    const address = fastify.addresses()[0]!;
    const response = await fetch(
      `http://127.0.0.1:${address.port}/v1/users/u-secret-42/things?email=carol@example.com`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`,
          'x-forwarded-for': '203.0.113.9',
        },
        body: JSON.stringify({ hello: 'world'.repeat(20_000) }),
      },
    );
    const [span] = tracing.spans();
    expect(span).toMatchObject({
      name: 'POST /v1/users/:userId/things',
      kind: 'server',
      traceId: TRACE_ID,
      parentSpanId: CALLER_SPAN_ID,
      status: 'unset',
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/v1/users/:userId/things',
        'http.response.status_code': 200,
      },
    });
    const body = (await response.json()) as {
      active: { traceId: string; spanId: string };
      outgoing: Record<string, string>;
    };
    expect(body.active).toEqual({ traceId: TRACE_ID, spanId: span!.spanId });
    expect(body.outgoing['traceparent']).toBe(`00-${TRACE_ID}-${span!.spanId}-01`);
    const recorded = JSON.stringify(span);
    for (const personal of ['u-secret-42', 'carol', '203.0.113.9'])
      expect(recorded).not.toContain(personal);
  });

  it('starts a trace of its own for a request without traceparent', async () => {
    await fastify.inject({ method: 'POST', url: '/v1/users/x/things', payload: {} });
    const [span] = tracing.spans();
    expect(span!.parentSpanId).toBeUndefined();
    expect(span!.traceId).not.toBe(TRACE_ID);
  });

  it('fails the span of a server error with the error code, not its message', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/v1/fail' });
    expect(response.statusCode).toBe(500);
    const [span] = tracing.spans();
    expect(span).toMatchObject({
      status: 'error',
      attributes: { 'http.response.status_code': 500, 'error.type': 'REDIS_UNAVAILABLE' },
    });
    expect(JSON.stringify(span)).not.toContain('bob');
  });

  it('does not trace health probes or unknown routes', async () => {
    await fastify.inject({ method: 'GET', url: '/health/ready' });
    await fastify.inject({ method: 'GET', url: '/no/such/route' });
    expect(tracing.spans()).toEqual([]);
  });
});
