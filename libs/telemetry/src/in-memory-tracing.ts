/**
 * Tracing that keeps finished spans in memory, as plain objects, for tests in any project: they check
 * trace ids, parents and links without importing OpenTelemetry (only this lib may).
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from './tracing';

export interface FinishedSpan {
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
  status: 'unset' | 'ok' | 'error';
  serviceName: string;
}

export interface InMemoryTracing {
  /** Every span finished so far, oldest first. */
  spans(): FinishedSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

const KINDS: Record<SpanKind, FinishedSpan['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

const STATUSES: Record<SpanStatusCode, FinishedSpan['status']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

export function startInMemoryTracing(serviceName = 'test'): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({
    exporter,
    config: {
      enabled: true,
      serviceName,
      resourceAttributes: {},
      sampler: { kind: 'parentbased_always_on', ratio: 1 },
      propagators: ['tracecontext', 'baggage'],
      batch: { scheduledDelayMs: 1, maxQueueSize: 1, maxExportBatchSize: 1, exportTimeoutMs: 1 },
    },
  });
  return {
    spans: () => exporter.getFinishedSpans().map(plainSpanOf),
    reset: () => exporter.reset(),
    shutdown: () => tracing.shutdown(),
  };
}

function plainSpanOf(span: ReadableSpan): FinishedSpan {
  const own = span.spanContext();
  return {
    name: span.name,
    kind: KINDS[span.kind],
    traceId: own.traceId,
    spanId: own.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
    })),
    attributes: { ...span.attributes },
    status: STATUSES[span.status.code],
    serviceName: String(span.resource.attributes['service.name']),
  };
}
