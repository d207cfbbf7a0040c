/**
 * One tracer provider per process, set up at start: the `service.name` resource, the configured sampler,
 * W3C trace-context (and baggage) propagation, async context through AsyncLocalStorage, and an OTLP/HTTP
 * batch exporter only when one is configured. Without an exporter spans are still created, so a trace
 * that enters a service over HTTP or Kafka leaves it in the headers of what it sends on.
 */
import { context, diag, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '@recsys/config';
import { AsyncLocalStorageContextManager } from './async-context-manager';
import { samplerOf } from './sampler';

export interface TracingOptions {
  config: TracingConfig;
  /**
   * Receives every finished span at once, instead of the configured exporter (tests use an in-memory one).
   */
  exporter?: SpanExporter;
  /** Where the SDK reports its own problems (an unreachable receiver); never span contents. */
  onDiagnostic?: (message: string) => void;
}

export interface Tracing {
  /** Exports what is buffered now (before a planned exit). */
  forceFlush(): Promise<void>;
  /** Exports what is buffered and unregisters the provider, the context manager and the propagator. */
  shutdown(): Promise<void>;
}

const NO_TRACING: Tracing = {
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

let current: Tracing | undefined;

/**
 * Installs tracing for this process. A second call while tracing runs returns the running one: several
 * services started in one process (tests) share the first set-up.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (current !== undefined) return current;
  if (!options.config.enabled) return NO_TRACING;
  if (options.onDiagnostic !== undefined) installDiagnostics(options.onDiagnostic);
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        ...options.config.resourceAttributes,
        [ATTR_SERVICE_NAME]: options.config.serviceName,
      }),
    ),
    sampler: samplerOf(options.config.sampler),
    spanProcessors: spanProcessorsOf(options),
  });
  const contextManager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(propagatorOf(options.config.propagators));
  trace.setGlobalTracerProvider(provider);
  const tracing: Tracing = {
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      if (current !== tracing) return;
      current = undefined;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      }
    },
  };
  current = tracing;
  return tracing;
}

function spanProcessorsOf(options: TracingOptions): SpanProcessor[] {
  if (options.exporter !== undefined) return [new SimpleSpanProcessor(options.exporter)];
  const otlp = options.config.otlp;
  if (otlp === undefined) return [];
  const exporter = new OTLPTraceExporter({
    url: otlp.url,
    headers: otlp.headers,
    timeoutMillis: otlp.timeoutMs,
  });
  const batch = options.config.batch;
  return [
    new BatchSpanProcessor(exporter, {
      scheduledDelayMillis: batch.scheduledDelayMs,
      maxQueueSize: batch.maxQueueSize,
      maxExportBatchSize: batch.maxExportBatchSize,
      exportTimeoutMillis: batch.exportTimeoutMs,
    }),
  ];
}

function propagatorOf(names: TracingConfig['propagators']): TextMapPropagator {
  const propagators: TextMapPropagator[] = [];
  if (names.includes('tracecontext')) propagators.push(new W3CTraceContextPropagator());
  if (names.includes('baggage')) propagators.push(new W3CBaggagePropagator());
  return new CompositePropagator({ propagators });
}

/** Export failures and dropped spans are worth a warning; the SDK's debug chatter is not. */
function installDiagnostics(onDiagnostic: (message: string) => void): void {
  const forward = (message: string, ...args: unknown[]) =>
    onDiagnostic(['opentelemetry:', message, ...args.map(String)].join(' '));
  diag.setLogger(
    {
      error: forward,
      warn: forward,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { suppressOverrideMessage: true },
  );
}
