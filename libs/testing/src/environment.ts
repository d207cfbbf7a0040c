/** The Kafka and Redis addresses the integration global setup provisioned, read through libs/config. */
import { z } from 'zod';
import { kafkaEnvShape, parseConfig, redisEnvShape, type KafkaConfig } from '@recsys/config';

export interface IntegrationEnvironment {
  kafkaBrokers: string[];
  redisUrl: string;
}

const schema = z
  .object({ KAFKA_BROKERS: kafkaEnvShape.KAFKA_BROKERS, REDIS_URL: redisEnvShape.REDIS_URL })
  .transform((env) => ({ kafkaBrokers: env.KAFKA_BROKERS, redisUrl: env.REDIS_URL }));

export function integrationEnvironment(): IntegrationEnvironment {
  try {
    return parseConfig(schema);
  } catch (error) {
    throw new Error(
      `${String(error)}\nIntegration tests get Kafka and Redis from the jest "integration" project's global ` +
        'setup; run them with `npm test` or `npx jest --selectProjects integration`.',
    );
  }
}

/** The env variables a service under test reads, pointing at this namespace. */
export function serviceEnv(
  environment: IntegrationEnvironment,
  namespace: { topicPrefix: string; redisKeyPrefix: string },
): Record<string, string> {
  return {
    KAFKA_BROKERS: environment.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: namespace.topicPrefix,
    REDIS_URL: environment.redisUrl,
    REDIS_KEY_PREFIX: namespace.redisKeyPrefix,
  };
}

/** A KafkaConfig for tests and benchmarks: the provisioned brokers under a namespace's topic prefix. */
export function testKafkaConfig(
  brokers: string[],
  namespace: { topicPrefix: string },
  clientId = 'test',
): KafkaConfig {
  return {
    brokers,
    clientId,
    topicPrefix: namespace.topicPrefix,
    ssl: false,
    compression: 'none',
    connectionTimeoutMs: 5_000,
    requestTimeoutMs: 30_000,
  };
}
