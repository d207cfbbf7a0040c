/**
 * Tracing and log-privacy settings, shared by every service. The tracing variables are the standard
 * OpenTelemetry SDK ones (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
 * parsed here so a wrong value stops the service at start-up like any other setting instead of being
 * logged and ignored by the SDK. Spans are always created (the trace context travels through HTTP and
 * Kafka headers either way); they are exported only when an OTLP endpoint or exporter is configured.
 */
import { z } from 'zod';
import { envBoolean, envInt, envList } from './env-types';
import { parseConfig, type EnvSource } from './parse-config';

export const tracesSamplers = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof tracesSamplers)[number];

/** `key=value,key=value`, values percent-decoded (the spec's format for headers and resource attributes). */
const keyValueList = z.string().transform((value, ctx) => {
  const pairs: Record<string, string> = {};
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const separator = part.indexOf('=');
    if (separator <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a list of key=value pairs' });
      return z.NEVER;
    }
    pairs[part.slice(0, separator).trim()] = safeDecode(part.slice(separator + 1).trim());
  }
  return pairs;
});

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const ratio = z.string().trim().transform(Number).pipe(z.number().min(0).max(1));
/** The exporter posts OTLP over HTTP (JSON bodies, which OTLP/HTTP receivers accept next to protobuf). */
const otlpProtocol = z.enum(['http/protobuf', 'http/json'], {
  error: 'must be http/protobuf or http/json (this build exports OTLP over HTTP, not gRPC)',
});
const timeoutMs = envInt({ min: 1, max: 600_000 });

export const observabilityEnvShape = {
  /** Turns tracing off entirely: no spans, no trace headers. @default false */
  OTEL_SDK_DISABLED: envBoolean.default(false),
  /** Overrides the service's own name in the `service.name` resource attribute. */
  OTEL_SERVICE_NAME: z.string().min(1).max(128).optional(),
  /** Extra resource attributes, e.g. `deployment.environment.name=prod,k8s.namespace.name=shop`. */
  OTEL_RESOURCE_ATTRIBUTES: keyValueList.optional(),
  /**
   * `otlp` or `none`. Unset: `otlp` when an OTLP endpoint is set, else `none` (spans are created and
   * propagated, not exported). @default unset
   */
  OTEL_TRACES_EXPORTER: z
    .enum(['otlp', 'none'], {
      error: 'must be otlp or none (console output would break the JSON log stream)',
    })
    .optional(),
  /** Base URL of an OTLP/HTTP receiver; traces go to `<endpoint>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Full URL for traces; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  /** Headers sent with every export, e.g. `authorization=Bearer%20abc`. Never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList.optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValueList.optional(),
  /** @default "http/protobuf" */
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  /** Milliseconds one export may take. @default 10000 */
  OTEL_EXPORTER_OTLP_TIMEOUT: timeoutMs.optional(),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: timeoutMs.optional(),
  /** @default "parentbased_always_on" */
  OTEL_TRACES_SAMPLER: z.enum(tracesSamplers).default('parentbased_always_on'),
  /** Sampling probability for the *traceidratio samplers. @default 1 */
  OTEL_TRACES_SAMPLER_ARG: ratio.optional(),
  /** Header formats read and written: `tracecontext`, `baggage` or `none`. @default "tracecontext,baggage" */
  OTEL_PROPAGATORS: envList
    .pipe(
      z.array(
        z.enum(['tracecontext', 'baggage', 'none'], {
          error: 'supported propagators: tracecontext, baggage, none',
        }),
      ),
    )
    .default(['tracecontext', 'baggage']),
  /** Milliseconds between two exports of the span batch. @default 5000 */
  OTEL_BSP_SCHEDULE_DELAY: envInt({ min: 1, max: 600_000 }).default(5_000),
  /** Spans held for export; beyond it new spans are dropped (never blocking the service). @default 2048 */
  OTEL_BSP_MAX_QUEUE_SIZE: envInt({ min: 1, max: 1_000_000 }).default(2_048),
  /** @default 512 */
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: envInt({ min: 1, max: 1_000_000 }).default(512),
  /** @default 30000 */
  OTEL_BSP_EXPORT_TIMEOUT: timeoutMs.default(30_000),
  /**
   * Secret for the keyed hash (HMAC-SHA256) that stands in for identifiers in log lines, so lines about
   * one shopper can be correlated without the logs holding the identifier. Unset: a random key per
   * process (correlation within one process lifetime only). At least 16 characters.
   */
  LOG_HASH_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
};
type ObservabilityEnv = z.output<z.ZodObject<typeof observabilityEnvShape>>;

export interface OtlpExportConfig {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface TracingConfig {
  enabled: boolean;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  /** Absent: spans are created and propagated but not exported. */
  otlp?: OtlpExportConfig;
  sampler: { kind: TracesSampler; ratio: number };
  propagators: Array<'tracecontext' | 'baggage'>;
  batch: {
    scheduledDelayMs: number;
    maxQueueSize: number;
    maxExportBatchSize: number;
    exportTimeoutMs: number;
  };
}

export interface ObservabilityConfig {
  tracing: TracingConfig;
  logHashKey: string | undefined;
}

const DEFAULT_EXPORT_TIMEOUT_MS = 10_000;

function otlpExportOf(env: ObservabilityEnv): OtlpExportConfig | undefined {
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? undefined
      : `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  const exporter = env.OTEL_TRACES_EXPORTER ?? (url === undefined ? 'none' : 'otlp');
  if (exporter === 'none') return undefined;
  return {
    // The spec's default receiver, for OTEL_TRACES_EXPORTER=otlp without an endpoint.
    url: url ?? 'http://localhost:4318/v1/traces',
    headers: { ...env.OTEL_EXPORTER_OTLP_HEADERS, ...env.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    timeoutMs:
      env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ??
      env.OTEL_EXPORTER_OTLP_TIMEOUT ??
      DEFAULT_EXPORT_TIMEOUT_MS,
  };
}

/** Maps the parsed variables; `serviceName` is the service's own name unless OTEL_SERVICE_NAME says otherwise. */
export function observabilityConfigFrom(
  env: ObservabilityEnv,
  serviceName: string,
): ObservabilityConfig {
  const otlp = otlpExportOf(env);
  return {
    tracing: {
      enabled: !env.OTEL_SDK_DISABLED,
      serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
      resourceAttributes: env.OTEL_RESOURCE_ATTRIBUTES ?? {},
      ...(otlp === undefined ? {} : { otlp }),
      sampler: { kind: env.OTEL_TRACES_SAMPLER, ratio: env.OTEL_TRACES_SAMPLER_ARG ?? 1 },
      propagators: env.OTEL_PROPAGATORS.filter((name) => name !== 'none'),
      batch: {
        scheduledDelayMs: env.OTEL_BSP_SCHEDULE_DELAY,
        maxQueueSize: env.OTEL_BSP_MAX_QUEUE_SIZE,
        maxExportBatchSize: Math.min(
          env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
          env.OTEL_BSP_MAX_QUEUE_SIZE,
        ),
        exportTimeoutMs: env.OTEL_BSP_EXPORT_TIMEOUT,
      },
    },
    logHashKey: env.LOG_HASH_KEY,
  };
}

const observabilityEnvSchema = z.object(observabilityEnvShape);

/** Reads the tracing and log-privacy settings of `serviceName` (default: from `process.env`). */
export function loadObservabilityConfig(serviceName: string, env?: EnvSource): ObservabilityConfig {
  return observabilityConfigFrom(parseConfig(observabilityEnvSchema, env), serviceName);
}
