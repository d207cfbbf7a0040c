/** Runs work inside a span and records how it ended: status and a bounded error type, never the message. */
import { context, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

export const TRACER_NAME = '@recsys/telemetry';

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/**
 * The error's stable code (AppError codes, Node error codes) or class name. Messages stay out of spans:
 * they can quote the input that failed, and that input can be personal data.
 */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (error instanceof Error) return error.name;
  }
  return '_OTHER';
}

export function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error));
}

/** Runs `run` with `span` active (a child of `parent`), ends it when `run` settles. */
export async function runInSpan<T>(span: Span, parent: Context, run: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(parent, span), run);
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}
