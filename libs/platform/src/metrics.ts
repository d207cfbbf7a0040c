/**
 * Prometheus metrics for a service: one registry per application (several apps in one test process
 * never share counters), the default process metrics, and one request-duration histogram per HTTP route.
 * Route labels use the route pattern (`/v1/events`), never the raw URL, so label cardinality stays
 * bounded; requests that matched no route share the label `unmatched`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Added as the `service` label to every metric. */
  serviceName: string;
  /** Collect the process metrics (CPU, memory, event-loop lag, GC). @default true */
  collectProcessMetrics?: boolean;
}

export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.serviceName });
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Seconds; from sub-millisecond health probes to requests that waited on a slow broker. */
const HTTP_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const UNMATCHED_ROUTE = 'unmatched';

/** Observes every response's duration as `http_request_duration_seconds{method,route,status_code}`. */
export function instrumentHttpRequests(fastify: FastifyInstance, registry: Registry): Histogram {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by route pattern.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  });
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1_000,
    );
  });
  return duration;
}
