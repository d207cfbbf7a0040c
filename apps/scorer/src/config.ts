/** The scorer's settings, read once from the environment at start-up. */
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
  refuseRedisCluster,
  REPORTED_WITH_OTHER_ISSUES,
  requireRedisTarget,
  redisEnvShape,
  requireSaslCredentials,
  type EnvSource,
} from '@recsys/config';

export const SCORER_SERVICE_NAME = 'scorer';

/** A deadline the ranker's own timeout cannot fit in would serve every request from the fallback list. */
function requireDeadlineAboveRankerTimeout(
  env: { SCORER_REQUEST_DEADLINE_MS?: number | undefined; SCORER_RANKER_TIMEOUT_MS: number },
  ctx: z.RefinementCtx,
): void {
  const deadline = env.SCORER_REQUEST_DEADLINE_MS;
  if (deadline !== undefined && deadline <= env.SCORER_RANKER_TIMEOUT_MS)
    ctx.addIssue({
      code: 'custom',
      path: ['SCORER_REQUEST_DEADLINE_MS'],
      message: `must be more than SCORER_RANKER_TIMEOUT_MS (${env.SCORER_RANKER_TIMEOUT_MS})`,
    });
}

const scorerEnvSchema = z
  .object({
    ...kafkaEnvShape,
    ...redisEnvShape,
    ...httpEnvShape(3004),
    ...logEnvShape,
    ...modelEnvShape,
    ...adminEnvShape,
    /**
     * The collector's pseudonymisation secret: the scorer turns a storefront user id into the same
     * pseudonym to find the user's features. Never logged.
     */
    SCORER_PSEUDONYMISATION_SECRET: z.string().min(16, 'must be at least 16 characters'),
    /**
     * The preprocessor's PRIVACY_TOMBSTONE_SECRET: A/B and offer attribution skip erased users' history.
     * Unset: an unkeyed hash, for development only. Never logged. @default undefined
     */
    PRIVACY_TOMBSTONE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** @default "<prefix>.scorer" */
    SCORER_GROUP_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,200}$/)
      .optional(),
    /** Time the ranker gets before the candidate sources' order is served instead. @default 50 */
    SCORER_RANKER_TIMEOUT_MS: envInt({ min: 1, max: 10_000 }).default(50),
    /**
     * Time a request gets to read the feature store and rank; past it (or while Redis is down) the
     * fallback list is served, marked degraded. Must leave the ranker its time.
     * @default 250, or SCORER_RANKER_TIMEOUT_MS + 200 when that is more
     */
    SCORER_REQUEST_DEADLINE_MS: envInt({ min: 10, max: 60_000 }).optional(),
    /** How often the fallback list (non-personalised, kept in memory) is re-read. @default 30000 */
    SCORER_FALLBACK_REFRESH_MS: envInt({ min: 500, max: 3_600_000 }).default(30_000),
    /** Candidates ranked per request. @default 200 */
    SCORER_MAX_CANDIDATES: envInt({ min: 10, max: 2_000 }).default(200),
    /** An item shown this many times without a click is not recommended again. @default 3 */
    SCORER_MAX_SHOWN_WITHOUT_CLICK: envInt({ min: 1, max: 1_000 }).default(3),
    /**
     * Data every shopper's request reads alike — item features, the popular/today/newest lists,
     * co-visitation neighbours and category lists — is reused for this long across requests (popular
     * items are read by nearly every request); 0 reads it every time. User data is never cached.
     * @default 1000
     */
    SCORER_ITEM_CACHE_MS: envInt({ min: 0, max: 60_000 }).default(1_000),
    /** Publish every served list as a `recommendation_impression` event. @default true */
    SCORER_LOG_IMPRESSIONS: envBoolean.default(true),
    /** A replaced model is disposed this long after the swap, when in-flight requests finished. @default 10000 */
    SCORER_MODEL_GRACE_MS: envInt({ min: 0, max: 600_000 }).default(10_000),
    /** How often experiments are re-read from Redis. @default 5000 */
    SCORER_EXPERIMENTS_REFRESH_MS: envInt({ min: 100, max: 600_000 }).default(5_000),
    /** Attribute impressions, clicks and purchases to experiment arms (one consumer per deployment). @default true */
    SCORER_ATTRIBUTION: envBoolean.default(true),
    /** Answer recommendation requests arriving on Kafka. @default true */
    SCORER_KAFKA_REQUESTS: envBoolean.default(true),
    /** Create missing topics at start-up (dev); production uses the chart's job. @default true */
    KAFKA_CREATE_TOPICS: envBoolean.default(true),
    /** @default 3 */
    KAFKA_TOPIC_PARTITIONS: envInt({ min: 1, max: 1_000 }).default(3),
  })
  .superRefine(requireSaslCredentials)
  .superRefine(requireRedisTarget, REPORTED_WITH_OTHER_ISSUES)
  .superRefine(refuseRedisCluster('scorer'))
  .superRefine(requireDeadlineAboveRankerTimeout)
  .transform((env) => ({
    kafka: kafkaConfigFrom(env, SCORER_SERVICE_NAME),
    redis: redisConfigFrom(env),
    http: httpConfigFrom(env),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    adminToken: env.ADMIN_TOKEN,
    pseudonymisationSecret: env.SCORER_PSEUDONYMISATION_SECRET,
    tombstoneSecret: env.PRIVACY_TOMBSTONE_SECRET,
    groupId: env.SCORER_GROUP_ID ?? defaultGroupIdOf(env.KAFKA_TOPIC_PREFIX, SCORER_SERVICE_NAME),
    model: { name: env.MODEL_NAME, backend: env.MODEL_BACKEND, graceMs: env.SCORER_MODEL_GRACE_MS },
    recommendation: {
      rankerTimeoutMs: env.SCORER_RANKER_TIMEOUT_MS,
      maxCandidates: env.SCORER_MAX_CANDIDATES,
      maxShownWithoutClick: env.SCORER_MAX_SHOWN_WITHOUT_CLICK,
    },
    itemCacheMs: env.SCORER_ITEM_CACHE_MS,
    requestDeadlineMs:
      env.SCORER_REQUEST_DEADLINE_MS ?? Math.max(250, env.SCORER_RANKER_TIMEOUT_MS + 200),
    fallbackRefreshMs: env.SCORER_FALLBACK_REFRESH_MS,
    logImpressions: env.SCORER_LOG_IMPRESSIONS,
    experimentsRefreshMs: env.SCORER_EXPERIMENTS_REFRESH_MS,
    attribution: env.SCORER_ATTRIBUTION,
    kafkaRequests: env.SCORER_KAFKA_REQUESTS,
    topics: { create: env.KAFKA_CREATE_TOPICS, partitions: env.KAFKA_TOPIC_PARTITIONS },
  }));

export type ScorerConfig = z.output<typeof scorerEnvSchema>;

export function loadScorerConfig(env?: EnvSource): ScorerConfig {
  return parseConfig(scorerEnvSchema, env);
}
