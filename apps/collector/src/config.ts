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
  requireSaslCredentials,
  type EnvSource,
} from '@recsys/config';

export const COLLECTOR_SERVICE_NAME = 'collector';

const collectorEnvSchema = z
  .object({
    ...kafkaEnvShape,
    ...httpEnvShape(3001),
    ...logEnvShape,
    /** Events in one batch request. @default 500 */
    COLLECTOR_MAX_BATCH_EVENTS: envInt({ min: 1, max: 10_000 }).default(500),
    /** Bytes in one request body. @default 512000 */
    COLLECTOR_MAX_BODY_BYTES: envInt({ min: 1_024, max: 16 * 1024 * 1024 }).default(512_000),
    /** Bytes of one event, serialised. @default 32768 */
    COLLECTOR_MAX_EVENT_BYTES: envInt({ min: 256, max: 1024 * 1024 }).default(32_768),
    /** Create missing topics at start-up (local/dev); production lets the chart's job do it. @default true */
    KAFKA_CREATE_TOPICS: envBoolean.default(true),
    /** Partitions of topics created at start-up. @default 3 */
    KAFKA_TOPIC_PARTITIONS: envInt({ min: 1, max: 1_000 }).default(3),
  })
  .superRefine(requireSaslCredentials)
  .transform((env) => ({
    kafka: kafkaConfigFrom(env, COLLECTOR_SERVICE_NAME),
    http: httpConfigFrom(env),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    limits: {
      maxBatchEvents: env.COLLECTOR_MAX_BATCH_EVENTS,
      maxBodyBytes: env.COLLECTOR_MAX_BODY_BYTES,
      maxEventBytes: env.COLLECTOR_MAX_EVENT_BYTES,
    },
    topics: { create: env.KAFKA_CREATE_TOPICS, partitions: env.KAFKA_TOPIC_PARTITIONS },
  }));

export type CollectorConfig = z.output<typeof collectorEnvSchema>;
export type IngestLimits = CollectorConfig['limits'];

export function loadCollectorConfig(env?: EnvSource): CollectorConfig {
  return parseConfig(collectorEnvSchema, env);
}
