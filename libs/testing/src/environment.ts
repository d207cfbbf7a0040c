/** The Kafka and Redis addresses the integration global setup provisioned, read through libs/config. */
import { z } from 'zod';
import {
  kafkaEnvShape,
  parseConfig,
  redisEnvShape,
  type KafkaConfig,
  type RedisConfig,
} from '@recsys/config';

export interface IntegrationEnvironment {
  kafkaBrokers: string[];
  redisUrl: string;
  /**
   * Seed nodes (`host:port,…`) of the Redis Cluster the global setup started (tools/redis-cluster.sh),
   * for the tests of the cluster mode; undefined where none was started.
   */
  redisClusterNodes?: string;
}

const schema = z
  .object({
    KAFKA_BROKERS: kafkaEnvShape.KAFKA_BROKERS,
    REDIS_URL: redisEnvShape.REDIS_URL.unwrap(),
    REDIS_CLUSTER_NODES: z.string().optional(),
  })
  .transform((env) => ({
    kafkaBrokers: env.KAFKA_BROKERS,
    redisUrl: env.REDIS_URL,
    ...(env.REDIS_CLUSTER_NODES ? { redisClusterNodes: env.REDIS_CLUSTER_NODES } : {}),
  }));

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

/** A Redis a suite runs against: the single server or the three-primary cluster of the global setup. */
export interface RedisTarget {
  name: 'single Redis' | 'Redis Cluster';
  config: (keyPrefix: string) => RedisConfig;
}

/**
 * Both Redis deployments the platform supports, for `describe.each`: the same assertions must hold on
 * one server and on a cluster (keys spread over three primaries).
 */
export function redisTargets(environment: IntegrationEnvironment): RedisTarget[] {
  const nodes = environment.redisClusterNodes;
  if (nodes === undefined) {
    throw new Error(
      'REDIS_CLUSTER_NODES is not set: the integration global setup starts the cluster',
    );
  }
  const base = { connectTimeoutMs: 5_000 };
  return [
    {
      name: 'single Redis',
      config: (keyPrefix) => ({ ...base, url: environment.redisUrl, keyPrefix }),
    },
    {
      name: 'Redis Cluster',
      config: (keyPrefix) => ({
        ...base,
        url: `redis://${nodes.split(',')[0]!}`,
        keyPrefix,
        clusterNodes: nodes.split(',').map((node) => {
          const [host, port] = node.split(':');
          return { host: host!, port: Number(port) };
        }),
      }),
    },
  ];
}
