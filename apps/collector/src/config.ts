/** The collector's settings, read once from the environment at start-up. */
import { z } from 'zod';
import {
  envBoolean,
  envInt,
  httpConfigFrom,
  httpEnvShape,
  kafkaConfigFrom,
  kafkaEnvShape,
  logEnvShape,
  parseConfig,
  redisConfigFrom,
  REPORTED_WITH_OTHER_ISSUES,
  requireRedisTarget,
  redisEnvShape,
  requireSaslCredentials,
  type EnvSource,
} from '@recsys/config';
import type { AuthSettings } from './auth/authentication.hook';
import { writeKeysEnvSchema } from './auth/write-keys';

export const COLLECTOR_SERVICE_NAME = 'collector';

const collectorEnvShape = {
  ...kafkaEnvShape,
  ...redisEnvShape,
  ...httpEnvShape(3001),
  ...logEnvShape,
  /**
   * Turns write-key authentication off: every request is accepted from any origin as storefront
   * `unauthenticated`. For local development and tests only. @default false
   */
  COLLECTOR_AUTH_DISABLED: envBoolean.default(false),
  /** Catalogue items in one request. @default 500 */
  COLLECTOR_MAX_BATCH_ITEMS: envInt({ min: 1, max: 10_000 }).default(500),
  /** Events in one batch request. @default 500 */
  COLLECTOR_MAX_BATCH_EVENTS: envInt({ min: 1, max: 10_000 }).default(500),
  /** Bytes in one request body. @default 512000 */
  COLLECTOR_MAX_BODY_BYTES: envInt({ min: 1_024, max: 16 * 1024 * 1024 }).default(512_000),
  /** Bytes of one event or catalogue item, serialised. @default 32768 */
  COLLECTOR_MAX_EVENT_BYTES: envInt({ min: 256, max: 1024 * 1024 }).default(32_768),
  /** HMAC secret that turns user ids into pseudonyms before they leave the collector. Never logged. */
  COLLECTOR_PSEUDONYMISATION_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /**
   * Events plus catalogue items admitted per second per storefront, shared by all replicas (Redis).
   * @default 2000
   */
  COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: envInt({ min: 1, max: 1_000_000_000 }).default(2_000),
  /** JSON array of `{ storefront, key, allowedOrigins }`; required unless COLLECTOR_AUTH_DISABLED. */
  COLLECTOR_WRITE_KEYS: writeKeysEnvSchema.optional(),
  /** Create missing topics at start-up (local/dev); production lets the chart's job do it. @default true */
  KAFKA_CREATE_TOPICS: envBoolean.default(true),
  /** Partitions of topics created at start-up. @default 3 */
  KAFKA_TOPIC_PARTITIONS: envInt({ min: 1, max: 1_000 }).default(3),
};
type CollectorEnv = z.output<z.ZodObject<typeof collectorEnvShape>>;

/**
 * Authentication is on unless switched off explicitly. A missing COLLECTOR_WRITE_KEYS stops the collector
 * instead of silently running open, because a forgotten variable in production must not mean "anyone may
 * write"; local development says COLLECTOR_AUTH_DISABLED=true on purpose. Setting both is refused too:
 * it is ambiguous which one the operator meant.
 */
function requireOneAuthMode(env: CollectorEnv, ctx: z.RefinementCtx): void {
  if (env.COLLECTOR_WRITE_KEYS === undefined && !env.COLLECTOR_AUTH_DISABLED) {
    ctx.addIssue({
      code: 'custom',
      path: ['COLLECTOR_WRITE_KEYS'],
      message: 'is required (or set COLLECTOR_AUTH_DISABLED=true for local development)',
    });
  }
  if (env.COLLECTOR_WRITE_KEYS !== undefined && env.COLLECTOR_AUTH_DISABLED) {
    ctx.addIssue({
      code: 'custom',
      path: ['COLLECTOR_AUTH_DISABLED'],
      message: 'cannot be true while COLLECTOR_WRITE_KEYS is set; choose one',
    });
  }
}

/** A full batch must be able to pass the rate limit, or it would be refused forever. */
function requireBatchesWithinRateLimit(env: CollectorEnv, ctx: z.RefinementCtx): void {
  const largestBatch = Math.max(env.COLLECTOR_MAX_BATCH_EVENTS, env.COLLECTOR_MAX_BATCH_ITEMS);
  if (env.COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND < largestBatch) {
    ctx.addIssue({
      code: 'custom',
      path: ['COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND'],
      message: `must be at least the largest batch (${largestBatch})`,
    });
  }
}

function authSettingsFrom(env: CollectorEnv): AuthSettings {
  return env.COLLECTOR_WRITE_KEYS === undefined
    ? { mode: 'disabled' }
    : { mode: 'write-keys', keys: env.COLLECTOR_WRITE_KEYS };
}

const collectorEnvSchema = z
  .object(collectorEnvShape)
  .superRefine(requireSaslCredentials)
  .superRefine(requireRedisTarget, REPORTED_WITH_OTHER_ISSUES)
  .superRefine(requireOneAuthMode)
  .superRefine(requireBatchesWithinRateLimit)
  .transform((env) => ({
    auth: authSettingsFrom(env),
    kafka: kafkaConfigFrom(env, COLLECTOR_SERVICE_NAME),
    redis: redisConfigFrom(env),
    http: httpConfigFrom(env),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    limits: {
      maxBatchEvents: env.COLLECTOR_MAX_BATCH_EVENTS,
      maxBatchItems: env.COLLECTOR_MAX_BATCH_ITEMS,
      maxBodyBytes: env.COLLECTOR_MAX_BODY_BYTES,
      maxEventBytes: env.COLLECTOR_MAX_EVENT_BYTES,
    },
    pseudonymisationSecret: env.COLLECTOR_PSEUDONYMISATION_SECRET,
    rateLimit: { eventsPerSecond: env.COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND },
    topics: { create: env.KAFKA_CREATE_TOPICS, partitions: env.KAFKA_TOPIC_PARTITIONS },
  }));

export type CollectorConfig = z.output<typeof collectorEnvSchema>;
export type IngestLimits = CollectorConfig['limits'];

export function loadCollectorConfig(env?: EnvSource): CollectorConfig {
  return parseConfig(collectorEnvSchema, env);
}
