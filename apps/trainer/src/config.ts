/** The trainer's settings, read once from the environment at start-up. */
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
  modelEnvShape,
  parseConfig,
  redisConfigFrom,
  REPORTED_WITH_OTHER_ISSUES,
  requireRedisTarget,
  redisEnvShape,
  requireSaslCredentials,
  type EnvSource,
} from '@recsys/config';

export const TRAINER_SERVICE_NAME = 'trainer';

const HOUR_SECONDS = 3_600;
const fraction = (min: number, max: number) =>
  z.string().trim().transform(Number).pipe(z.number().min(min).max(max));

const trainerEnvSchema = z
  .object({
    ...kafkaEnvShape,
    ...redisEnvShape,
    ...httpEnvShape(3003),
    ...logEnvShape,
    ...modelEnvShape,
    ...adminEnvShape,
    /** @default "<prefix>.trainer" */
    TRAINER_GROUP_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,200}$/)
      .optional(),
    /** Examples older than this (by event time) leave the training window. @default 604800 (7 days) */
    TRAINER_WINDOW_SECONDS: envInt({ min: 60, max: 365 * 24 * HOUR_SECONDS }).default(
      7 * 24 * HOUR_SECONDS,
    ),
    /** Most examples kept in memory; the oldest leave first. @default 200000 */
    TRAINER_WINDOW_MAX_EXAMPLES: envInt({ min: 100, max: 5_000_000 }).default(200_000),
    /** Retrain after this many new examples… @default 5000 */
    TRAINER_RETRAIN_AFTER_EXAMPLES: envInt({ min: 1, max: 10_000_000 }).default(5_000),
    /** …or this long after the last training, whichever comes first (when anything new arrived). @default 3600 */
    TRAINER_RETRAIN_INTERVAL_SECONDS: envInt({ min: 1, max: 7 * 24 * HOUR_SECONDS }).default(
      HOUR_SECONDS,
    ),
    /** No training below this many examples in the window. @default 1000 */
    TRAINER_MIN_EXAMPLES: envInt({ min: 10, max: 10_000_000 }).default(1_000),
    /** Newest share of the window (by event time) held out to compare challenger and champion. @default 0.2 */
    TRAINER_HOLDOUT_FRACTION: fraction(0.05, 0.5).default(0.2),
    /** A challenger is promoted when its held-out AUC beats the champion's by at least this. @default 0.002 */
    TRAINER_PROMOTION_MARGIN: fraction(0, 0.5).default(0.002),
    /** Leave out examples from data-quality windows that crossed a threshold. @default true */
    TRAINER_EXCLUDE_FLAGGED: envBoolean.default(true),
    /** @default "conv1d" */
    TRAINER_ENCODER: z.enum(['pooling', 'conv1d', 'gru', 'lstm']).default('conv1d'),
    /**
     * Encoders compared by time-blocked cross-validation before each training run (comma-separated);
     * the best mean validation AUC is trained. Empty: always TRAINER_ENCODER. @default ""
     */
    TRAINER_CANDIDATE_ENCODERS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(['pooling', 'conv1d', 'gru', 'lstm']))),
    /** Folds of that cross-validation (the training period is cut into folds + 1 time blocks). @default 3 */
    TRAINER_SELECTION_FOLDS: envInt({ min: 1, max: 10 }).default(3),
    /** @default 3 */
    TRAINER_EPOCHS: envInt({ min: 1, max: 200 }).default(3),
    /** @default 256 */
    TRAINER_BATCH_SIZE: envInt({ min: 8, max: 8_192 }).default(256),
    /**
     * Most recent items of the user's sequence the model reads (the store keeps up to 50). Serving cost
     * grows with it: every candidate's score runs the sequence encoder. @default 20
     */
    TRAINER_SEQUENCE_LENGTH: envInt({ min: 1, max: 50 }).default(20),
    /** @default 32 */
    TRAINER_EMBEDDING_DIM: envInt({ min: 4, max: 256 }).default(32),
    /** Most items with their own embedding; the rest share the out-of-vocabulary row. @default 50000 */
    TRAINER_VOCABULARY_SIZE: envInt({ min: 10, max: 2_000_000 }).default(50_000),
    /** Model versions whose artifacts are kept in the registry (the champion always is). @default 10 */
    TRAINER_KEEP_VERSIONS: envInt({ min: 2, max: 1_000 }).default(10),
    /**
     * Keys the erasure subjects of tombstones (the same value as the preprocessor's): the window drops
     * erased users' examples. Unset: an unkeyed hash, for development only. Never logged.
     * @default undefined
     */
    PRIVACY_TOMBSTONE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Create missing topics at start-up (dev); production uses the chart's job. @default true */
    KAFKA_CREATE_TOPICS: envBoolean.default(true),
    /** @default 3 */
    KAFKA_TOPIC_PARTITIONS: envInt({ min: 1, max: 1_000 }).default(3),
  })
  .superRefine(requireSaslCredentials)
  .superRefine(requireRedisTarget, REPORTED_WITH_OTHER_ISSUES)
  .transform((env) => ({
    kafka: kafkaConfigFrom(env, TRAINER_SERVICE_NAME),
    redis: redisConfigFrom(env),
    http: httpConfigFrom(env),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    adminToken: env.ADMIN_TOKEN,
    groupId: env.TRAINER_GROUP_ID ?? defaultGroupIdOf(env.KAFKA_TOPIC_PREFIX, TRAINER_SERVICE_NAME),
    model: { name: env.MODEL_NAME, backend: env.MODEL_BACKEND },
    window: {
      maxAgeMs: env.TRAINER_WINDOW_SECONDS * 1000,
      maxExamples: env.TRAINER_WINDOW_MAX_EXAMPLES,
      excludeFlagged: env.TRAINER_EXCLUDE_FLAGGED,
    },
    schedule: {
      afterExamples: env.TRAINER_RETRAIN_AFTER_EXAMPLES,
      intervalMs: env.TRAINER_RETRAIN_INTERVAL_SECONDS * 1000,
    },
    training: {
      minExamples: env.TRAINER_MIN_EXAMPLES,
      holdoutFraction: env.TRAINER_HOLDOUT_FRACTION,
      promotionMargin: env.TRAINER_PROMOTION_MARGIN,
      encoder: env.TRAINER_ENCODER,
      candidateEncoders: env.TRAINER_CANDIDATE_ENCODERS,
      selectionFolds: env.TRAINER_SELECTION_FOLDS,
      epochs: env.TRAINER_EPOCHS,
      batchSize: env.TRAINER_BATCH_SIZE,
      embeddingDim: env.TRAINER_EMBEDDING_DIM,
      sequenceLength: env.TRAINER_SEQUENCE_LENGTH,
      vocabularySize: env.TRAINER_VOCABULARY_SIZE,
      keepVersions: env.TRAINER_KEEP_VERSIONS,
    },
    topics: { create: env.KAFKA_CREATE_TOPICS, partitions: env.KAFKA_TOPIC_PARTITIONS },
    privacy: { tombstoneSecret: env.PRIVACY_TOMBSTONE_SECRET },
  }));

export type TrainerConfig = z.output<typeof trainerEnvSchema>;
export type TrainingSettings = TrainerConfig['training'];

export function loadTrainerConfig(env?: EnvSource): TrainerConfig {
  return parseConfig(trainerEnvSchema, env);
}
