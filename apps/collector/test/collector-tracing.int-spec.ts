/**
 * The collector in process with an in-memory span exporter: the trace a storefront sends in `traceparent`
 * reaches the headers of the events it writes, through a server span and a Kafka send span, and the
 * spans hold nothing of the shopper.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { physicalTopicName } from '@recsys/contracts';
import { createHttpApp } from '@recsys/platform';
import { startInMemoryTracing, type InMemoryTracing } from '@recsys/telemetry';
import {
  integrationEnvironment,
  readTopic,
  serviceEnv,
  testNamespace,
  waitFor,
} from '@recsys/testing';
import { loadCollectorConfig } from '../src/config';
import { collectorService } from '../src/service';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const CALLER_SPAN_ID = 'eee19b7ec3c1b174';

describe('collector tracing', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('collector-tracing');
  let tracing: InMemoryTracing;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    tracing = startInMemoryTracing('collector');
    const config = loadCollectorConfig({
      ...serviceEnv(environment, namespace),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      COLLECTOR_AUTH_DISABLED: 'true',
      COLLECTOR_PSEUDONYMISATION_SECRET: 'tracing-pseudonymisation-secret',
      KAFKA_TOPIC_PARTITIONS: '1',
    });
    app = await createHttpApp(collectorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it("writes events carrying the storefront's trace, under the request's server and send spans", async () => {
    const events = ['a', 'b'].map((suffix) => ({
      eventId: `trace-${namespace.id}-${suffix}`,
      schemaVersion: 1,
      eventType: 'product_view',
      userId: 'trace-shopper-7',
      sessionId: 'trace-session-7',
      timestamp: new Date(Date.now() - 1_000).toISOString(),
      itemId: 'sku-1',
      properties: { contact: 'trace.shopper@example.com' },
    }));
    const response = await fetch(`${baseUrl}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`,
      },
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(202);

    const server = await waitFor(
      () => tracing.spans().find((span) => span.name === 'POST /v1/events'),
      { description: 'the server span' },
    );
    expect(server).toMatchObject({
      kind: 'server',
      traceId: TRACE_ID,
      parentSpanId: CALLER_SPAN_ID,
      serviceName: 'collector',
    });
    const send = tracing.spans().find((span) => span.name === 'send events.raw.v1')!;
    expect(send).toMatchObject({
      kind: 'producer',
      traceId: TRACE_ID,
      parentSpanId: server.spanId,
    });

    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('events.raw.v1', namespace.topicPrefix),
      count: 2,
    });
    for (const record of records)
      expect(record.headers['traceparent']).toBe(`00-${TRACE_ID}-${send.spanId}-01`);

    const recorded = JSON.stringify(tracing.spans());
    for (const personal of ['trace-shopper-7', 'trace-session-7', 'trace.shopper@example.com'])
      expect(recorded).not.toContain(personal);
  });
});
