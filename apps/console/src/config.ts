/** The console's settings, read once from the environment at start-up. */
import { z } from 'zod';
import {
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
  refuseRedisCluster,
  REPORTED_WITH_OTHER_ISSUES,
  requireRedisTarget,
  redisEnvShape,
  requireSaslCredentials,
  type EnvSource,
} from '@recsys/config';

export const CONSOLE_SERVICE_NAME = 'console';

const consoleEnvSchema = z
  .object({
    ...kafkaEnvShape,
    ...redisEnvShape,
    ...httpEnvShape(3005),
    ...logEnvShape,
    ...modelEnvShape,
    /**
     * Bearer token of the console's API (required: the user lookup shows personal data). The page asks
     * for it once per browser session. At least 16 characters.
     */
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
    /** The scorer's base URL (`http://scorer:3004`): the user lookup shows its current answer. */
    SCORER_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    /** How long the user lookup waits for the scorer. @default 3000 */
    CONSOLE_SCORER_TIMEOUT_MS: envInt({ min: 100, max: 60_000 }).default(3_000),
    /**
     * The collector's pseudonymisation secret, to look shoppers up by storefront user or anonymous id.
     * Unset: lookups by feature-store key only. Never logged. @default undefined
     */
    CONSOLE_PSEUDONYMISATION_SECRET: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional(),
    /**
     * The preprocessor's PRIVACY_TOMBSTONE_SECRET: the console names erased shoppers by the same keyed
     * subject, to drop their recent events. Unset: an unkeyed hash (development only). Never logged.
     * @default undefined
     */
    PRIVACY_TOMBSTONE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Consumer group of the console's traffic counters. It needs every partition, so each console
     * replica needs its own. @default "<prefix>.console"
     */
    CONSOLE_GROUP_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,200}$/)
      .optional(),
    /** Create missing topics at start-up (dev); production uses the chart's job. @default true */
    KAFKA_CREATE_TOPICS: envBoolean.default(true),
    /** @default 3 */
    KAFKA_TOPIC_PARTITIONS: envInt({ min: 1, max: 1_000 }).default(3),
  })
  .superRefine(requireSaslCredentials)
  .superRefine(requireRedisTarget, REPORTED_WITH_OTHER_ISSUES)
  .superRefine(refuseRedisCluster('console'))
  .transform((env) => ({
    kafka: kafkaConfigFrom(env, CONSOLE_SERVICE_NAME),
    redis: redisConfigFrom(env),
    http: httpConfigFrom(env),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    adminToken: env.ADMIN_TOKEN,
    scorer: { url: env.SCORER_URL.replace(/\/+$/, ''), timeoutMs: env.CONSOLE_SCORER_TIMEOUT_MS },
    pseudonymisationSecret: env.CONSOLE_PSEUDONYMISATION_SECRET,
    tombstoneSecret: env.PRIVACY_TOMBSTONE_SECRET,
    groupId: env.CONSOLE_GROUP_ID ?? defaultGroupIdOf(env.KAFKA_TOPIC_PREFIX, CONSOLE_SERVICE_NAME),
    modelName: env.MODEL_NAME,
    topics: { create: env.KAFKA_CREATE_TOPICS, partitions: env.KAFKA_TOPIC_PARTITIONS },
  }));

export type ConsoleConfig = z.output<typeof consoleEnvSchema>;

export function loadConsoleConfig(env?: EnvSource): ConsoleConfig {
  return parseConfig(consoleEnvSchema, env);
}
