import { Controller, Get, Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Fastify from 'fastify';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY, MetricsModule } from './metrics.module';
import { createMetricsRegistry, instrumentHttpRequests } from './metrics';

async function durationSamples(registry: Registry) {
  const metric = await registry.getSingleMetric('http_request_duration_seconds')!.get();
  // Histogram values name their series (`_bucket`, `_sum`, `_count`); the type does not say so.
  const values = metric.values as Array<(typeof metric.values)[number] & { metricName?: string }>;
  return values.filter((value) => value.metricName === 'http_request_duration_seconds_count');
}

describe('createMetricsRegistry', () => {
  it('labels every metric with the service and collects process metrics by default', async () => {
    const registry = createMetricsRegistry({ serviceName: 'svc' });
    const text = await registry.metrics();
    expect(text).toMatch(/process_cpu_user_seconds_total\{service="svc"\}/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds\{service="svc"\}/);
  });

  it('gives each application its own registry', () => {
    const first = createMetricsRegistry({ serviceName: 'a', collectProcessMetrics: false });
    const second = createMetricsRegistry({ serviceName: 'b', collectProcessMetrics: false });
    expect(first).not.toBe(second);
    expect(first.getMetricsAsArray()).toEqual([]);
  });
});

describe('instrumentHttpRequests', () => {
  it('observes durations by route pattern, method and status, unmatched routes under one label', async () => {
    const registry = createMetricsRegistry({ serviceName: 'svc', collectProcessMetrics: false });
    const fastify = Fastify();
    instrumentHttpRequests(fastify, registry);
    fastify.get('/items/:id', async (request, reply) =>
      reply.status((request.params as { id: string }).id === 'missing' ? 404 : 200).send({}),
    );
    await fastify.inject({ method: 'GET', url: '/items/1' });
    await fastify.inject({ method: 'GET', url: '/items/2' });
    await fastify.inject({ method: 'GET', url: '/items/missing' });
    await fastify.inject({ method: 'GET', url: '/no/such/route/123' });
    await fastify.close();

    const counts = (await durationSamples(registry)).map((sample) => ({
      ...sample.labels,
      count: sample.value,
    }));
    expect(counts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          method: 'GET',
          route: '/items/:id',
          status_code: '200',
          count: 2,
        }),
        expect.objectContaining({ route: '/items/:id', status_code: '404', count: 1 }),
        expect.objectContaining({ route: 'unmatched', status_code: '404', count: 1 }),
      ]),
    );
    expect(counts).toHaveLength(3);
  });
});

@Controller('hello')
class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({
  imports: [MetricsModule.forRoot({ serviceName: 'unit' })],
  controllers: [HelloController],
})
class MetricsTestModule {}

describe('MetricsModule', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MetricsTestModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves GET /metrics in the Prometheus text format, counting the requests it saw', async () => {
    await app.inject({ method: 'GET', url: '/hello' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{service="unit",method="GET",route="\/hello",status_code="200"\} 1/,
    );
    expect(response.body).toMatch(/process_resident_memory_bytes\{service="unit"\}/);
  });

  it('exposes the registry for service-specific metrics', () => {
    const registry = app.get<Registry>(METRICS_REGISTRY);
    expect(registry.getSingleMetric('http_request_duration_seconds')).toBeDefined();
  });
});
