/**
 * A SERVER span per HTTP request, named by the route pattern (`POST /v1/events`), continuing the caller's
 * trace when the request carries `traceparent`. The span is the active context while the handler runs,
 * so what the handler publishes to Kafka carries it on. Only the method, the route pattern and the status
 * are recorded: never the URL (paths and query strings hold user ids), client addresses or bodies.
 * Health probes and metric scrapes are not traced: they would bury the traffic.
 */
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contextFromHeaders } from './propagation';
import { errorTypeOf, tracer } from './span-outcome';

export interface HttpTracingOptions {
  /** Routes (patterns) that get no span. @default health probes, /metrics and CORS preflights */
  isIgnored?: (request: { method: string; route: string }) => boolean;
}

const UNTRACED_ROUTES = /^\/(health|metrics)(\/|$)/;

function ignoredByDefault(request: { method: string; route: string }): boolean {
  return request.method === 'OPTIONS' || UNTRACED_ROUTES.test(request.route);
}

interface RequestTrace {
  span: Span;
  active: Context;
  errorType?: string;
}

/** Installs the hooks on the app's Fastify instance (before it is ready). */
export function instrumentHttpTracing(
  fastify: FastifyInstance,
  options: HttpTracingOptions = {},
): void {
  const isIgnored = options.isIgnored ?? ignoredByDefault;
  const traces = new WeakMap<FastifyRequest, RequestTrace>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || isIgnored({ method: request.method, route })) return done();
    const started = startRequestSpan(request, route);
    traces.set(request, started);
    context.with(started.active, done);
  });
  // Entered again for the handler (which Fastify calls synchronously from this hook's `done`): the body
  // is read in socket callbacks in between, and nothing in Fastify promises the context survives that.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const found = traces.get(request);
    if (found === undefined) return done();
    context.with(found.active, done);
  });
  fastify.addHook('onError', async (request, _reply, error) => {
    const found = traces.get(request);
    if (found !== undefined) found.errorType = errorTypeOf(error);
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const found = traces.get(request);
    if (found !== undefined) endRequestSpan(found, reply.statusCode);
    done();
  });
}

function startRequestSpan(request: FastifyRequest, route: string): RequestTrace {
  const parent = contextFromHeaders(request.headers);
  const span = tracer().startSpan(
    `${request.method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route },
    },
    parent,
  );
  return { span, active: trace.setSpan(parent, span) };
}

/** Server errors fail the span; 4xx are the client's mistakes, not the server's (the conventions). */
function endRequestSpan(found: RequestTrace, statusCode: number): void {
  found.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
  if (statusCode >= 500) {
    found.span.setStatus({ code: SpanStatusCode.ERROR });
    found.span.setAttribute(ATTR_ERROR_TYPE, found.errorType ?? String(statusCode));
  }
  found.span.end();
}
