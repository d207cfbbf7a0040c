/** The preprocessor's settings, read once from the environment at start-up. */
import { z } from 'zod';
import {
  adminEnvShape,
  defaultGroupIdOf,
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

export const PREPROCESSOR_SERVICE_NAME = 'preprocessor';

const DAY_SECONDS = 86_400;
const ratio = z.string().trim().transform(Number).pipe(z.number().min(0).max(1));

const preprocessorEnvSchema = z
  .object({
    ...kafkaEnvShape,
    ...redisEnvShape,
    ...httpEnvShape(3002),
    ...logEnvShape,
    ...adminEnvShape,
    /**
     * The collector's pseudonymisation secret (COLLECTOR_PSEUDONYMISATION_SECRET): erasure requests name
     * a shopper by storefront user id or anonymous id, both stored under the collector's pseudonym.
     * Unset: erasures are refused (PSEUDONYMISATION_UNCONFIGURED). Never logged. @default undefined
     */
    PREPROCESSOR_PSEUDONYMISATION_SECRET: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional(),
    /**
     * Keys the erasure subjects tombstones are stored and looked up by (the same value in the
     * preprocessor, trainer and scorer). Unset: an unkeyed hash, for development only. Never logged.
     * @default undefined
     */
    PRIVACY_TOMBSTONE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Consumer group; instances with the same group share the partitions. Deployments that share a
     * cluster through KAFKA_TOPIC_PREFIX must not share groups either. @default "<prefix>.preprocessor"
     */
    PREPROCESSOR_GROUP_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,200}$/)
      .optional(),
    /**
     * Most messages applied and flushed together (each key written once per flush; a batch is what one
     * fetch of a partition holds, so under light load batches stay small). Larger batches compact more
     * item and shard writes: 500 → 5000 cut Redis CPU per event from 57 to 30 µs and Node CPU from 201 to
     * 121 µs (docs/feature-write-path.md). @default 5000
     */
    PREPROCESSOR_BATCH_SIZE: envInt({ min: 1, max: 5_000 }).default(5_000),
    /** A killed instance's partitions wait this long before another instance takes them. @default 30000 */
    PREPROCESSOR_SESSION_TIMEOUT_MS: envInt({ min: 6_000, max: 300_000 }).default(30_000),
    /** Partitions processed concurrently by one instance. @default 3 */
    PREPROCESSOR_PARTITION_CONCURRENCY: envInt({ min: 1, max: 64 }).default(3),
    /** Refuse events stamped this far ahead of their receipt. @default 300 */
    PREPROCESSOR_MAX_FUTURE_SKEW_SECONDS: envInt({ min: 0, max: 7 * DAY_SECONDS }).default(300),
    /**
     * Refuse events older than this at receipt. Defaults to the de-duplication TTL: an older event could
     * not be recognised as a duplicate any more. Raise both to replay historical datasets. @default 2592000
     */
    PREPROCESSOR_MAX_EVENT_AGE_SECONDS: envInt({ min: 60, max: 50 * 365 * DAY_SECONDS }).default(
      30 * DAY_SECONDS,
    ),
    /** Dead-letter events that name an item missing from the catalogue. @default false */
    PREPROCESSOR_REQUIRE_KNOWN_ITEMS: envBoolean.default(false),
    /** An event this much older than the newest one seen on its partition counts as late. @default 600 */
    PREPROCESSOR_LATE_AFTER_SECONDS: envInt({ min: 0, max: 30 * DAY_SECONDS }).default(600),
    /** Data-quality window length. @default 60 */
    PREPROCESSOR_QUALITY_WINDOW_SECONDS: envInt({ min: 1, max: DAY_SECONDS }).default(60),
    PREPROCESSOR_QUALITY_MAX_INVALID: ratio.default(0.05),
    PREPROCESSOR_QUALITY_MAX_DUPLICATE: ratio.default(0.2),
    PREPROCESSOR_QUALITY_MAX_LATE: ratio.default(0.1),
    PREPROCESSOR_QUALITY_MAX_UNKNOWN_ITEM: ratio.default(0.3),
    /** @default 100 */
    PREPROCESSOR_QUALITY_MIN_EVENTS: envInt({ min: 1, max: 1_000_000 }).default(100),
    /**
     * Users whose feature state one preprocessor keeps in memory (least recently used evicted; a miss is
     * read from Redis). About 2 KB each. @default 100000
     */
    FEATURE_USER_CACHE_SIZE: envInt({ min: 1, max: 100_000_000 }).default(100_000),
    /** @default 7776000 (90 days) */
    FEATURE_USER_TTL_SECONDS: envInt({ min: 60, max: 50 * 365 * DAY_SECONDS }).default(
      90 * DAY_SECONDS,
    ),
    /** Sampled negatives per positive training example (each costs a snapshot read and a message). @default 2 */
    FEATURE_NEGATIVE_SAMPLES: envInt({ min: 0, max: 100 }).default(2),
    /**
     * Emit point-in-time training examples. Each labelled event then also captures the state before it
     * (about half of the preprocessor's work); deployments that train elsewhere can switch it off.
     * @default true
     */
    PREPROCESSOR_TRAINING_EXAMPLES: envBoolean.default(true),
    /** Create missing topics at start-up (dev); production uses the chart's job. @default true */
    KAFKA_CREATE_TOPICS: envBoolean.default(true),
    /** @default 3 */
    KAFKA_TOPIC_PARTITIONS: envInt({ min: 1, max: 1_000 }).default(3),
  })
  .superRefine(requireSaslCredentials)
  .superRefine(requireRedisTarget, REPORTED_WITH_OTHER_ISSUES)
  .transform((env) => ({
    kafka: kafkaConfigFrom(env, PREPROCESSOR_SERVICE_NAME),
    redis: redisConfigFrom(env),
    http: httpConfigFrom(env),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    consumer: {
      groupId: env.PREPROCESSOR_GROUP_ID ?? defaultGroupId(env.KAFKA_TOPIC_PREFIX),
      batchSize: env.PREPROCESSOR_BATCH_SIZE,
      partitionConcurrency: env.PREPROCESSOR_PARTITION_CONCURRENCY,
      sessionTimeoutMs: env.PREPROCESSOR_SESSION_TIMEOUT_MS,
    },
    checks: {
      maxFutureSkewMs: env.PREPROCESSOR_MAX_FUTURE_SKEW_SECONDS * 1000,
      maxAgeMs: env.PREPROCESSOR_MAX_EVENT_AGE_SECONDS * 1000,
      requireKnownItems: env.PREPROCESSOR_REQUIRE_KNOWN_ITEMS,
      lateAfterMs: env.PREPROCESSOR_LATE_AFTER_SECONDS * 1000,
    },
    trainingExamples: env.PREPROCESSOR_TRAINING_EXAMPLES,
    adminToken: env.ADMIN_TOKEN,
    privacy: {
      pseudonymisationSecret: env.PREPROCESSOR_PSEUDONYMISATION_SECRET,
      tombstoneSecret: env.PRIVACY_TOMBSTONE_SECRET,
    },
    quality: {
      windowMs: env.PREPROCESSOR_QUALITY_WINDOW_SECONDS * 1000,
      thresholds: {
        ratios: {
          invalid: env.PREPROCESSOR_QUALITY_MAX_INVALID,
          duplicate: env.PREPROCESSOR_QUALITY_MAX_DUPLICATE,
          late: env.PREPROCESSOR_QUALITY_MAX_LATE,
          unknown_item: env.PREPROCESSOR_QUALITY_MAX_UNKNOWN_ITEM,
        },
        minEvents: env.PREPROCESSOR_QUALITY_MIN_EVENTS,
      },
    },
    featureStore: {
      userCacheSize: env.FEATURE_USER_CACHE_SIZE,
      userTtlSeconds: env.FEATURE_USER_TTL_SECONDS,
      negativeSamples: env.FEATURE_NEGATIVE_SAMPLES,
      tombstoneSecret: env.PRIVACY_TOMBSTONE_SECRET,
    },
    topics: { create: env.KAFKA_CREATE_TOPICS, partitions: env.KAFKA_TOPIC_PARTITIONS },
  }));

export function defaultGroupId(topicPrefix: string | undefined): string {
  return defaultGroupIdOf(topicPrefix, PREPROCESSOR_SERVICE_NAME);
}

export type PreprocessorConfig = z.output<typeof preprocessorEnvSchema>;

export function loadPreprocessorConfig(env?: EnvSource): PreprocessorConfig {
  return parseConfig(preprocessorEnvSchema, env);
}
