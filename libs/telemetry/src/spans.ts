/** Spans around the platform's own units of work (a training run), for what is not HTTP or Kafka. */
import { context, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { runInSpan, tracer } from './span-outcome';

export type SpanAttributeValue = string | number | boolean;

export interface SpanAttributes {
  set(attributes: Record<string, SpanAttributeValue>): void;
}

export interface WorkSpanOptions {
  attributes?: Record<string, SpanAttributeValue>;
  /** Start a trace of its own instead of joining the active one (work started by a timer). @default false */
  newTrace?: boolean;
}

/** Runs `run` inside an INTERNAL span named `name`; `run` may add attributes as it learns them. */
export function traceWork<T>(
  name: string,
  run: (span: SpanAttributes) => Promise<T>,
  options: WorkSpanOptions = {},
): Promise<T> {
  const parent = options.newTrace === true ? ROOT_CONTEXT : context.active();
  const span = tracer().startSpan(
    name,
    {
      kind: SpanKind.INTERNAL,
      attributes: options.attributes ?? {},
      root: options.newTrace === true,
    },
    parent,
  );
  return runInSpan(span, parent, () =>
    run({ set: (attributes) => span.setAttributes(attributes) }),
  );
}
