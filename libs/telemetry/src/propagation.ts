/**
 * Trace context in and out of headers (W3C `traceparent`/`tracestate`, and `baggage`): HTTP requests and
 * Kafka messages carry it the same way, so a trace crosses both without special cases.
 */
import { context, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';

export type HeaderValues = Readonly<Record<string, string | string[] | undefined>>;

/** The trace headers of the active context (nothing outside a sampled or remote span). */
export function activeTraceHeaders(): Record<string, string> {
  return traceHeadersOfContext(context.active());
}

export function traceHeadersOfContext(from: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(from, headers);
  return headers;
}

/** The context a caller sent (a remote parent), or the root context when the headers carry none. */
export function contextFromHeaders(headers: HeaderValues): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Only the trace headers of a header map, to copy one message's context onto messages derived from it. */
export function traceHeadersOf(headers: Readonly<Record<string, string>>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of propagation.fields()) {
    const value = headers[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/** Ids of the active span, for correlating log lines with traces; undefined outside a span. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const spanContext = trace.getSpanContext(context.active());
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
