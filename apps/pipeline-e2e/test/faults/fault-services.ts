/**
 * What the fault tests share: the environment of each service under test (pointing at the test's own
 * Kafka and Redis, under a test namespace) and a Redis connection to read the feature store back.
 */
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { KafkaClient } from '@recsys/kafka';
import {
  serviceEnv,
  startServiceProcess,
  testKafkaConfig,
  type ServiceProcess,
  type StartServiceOptions,
  type IntegrationEnvironment,
  type TestNamespace,
} from '@recsys/testing';
import { featureStoreProgress, type StoreProgress } from './store-lag';

export const FAULT_SECRET = 'fault-tests-pseudonymisation-secret';
export const FAULT_WRITE_KEY = 'fault-tests-write-key-0123456789';
export const FAULT_ADMIN_TOKEN = 'fault-tests-admin-token-0123456789';

export interface FaultTarget {
  environment: IntegrationEnvironment;
  namespace: TestNamespace;
}

/** With `redisClusterNodes` in the environment, the services run on that Redis Cluster. */
export function faultServiceEnv(target: FaultTarget): Record<string, string> {
  const env = serviceEnv(target.environment, target.namespace);
  const nodes = target.environment.redisClusterNodes;
  if (nodes !== undefined) {
    delete env['REDIS_URL'];
    env['REDIS_CLUSTER_NODES'] = nodes;
  }
  return {
    ...env,
    LOG_LEVEL: 'warn',
    KAFKA_TOPIC_PARTITIONS: '3',
    ADMIN_TOKEN: FAULT_ADMIN_TOKEN,
  };
}

export function collectorEnv(target: FaultTarget): Record<string, string> {
  return {
    ...faultServiceEnv(target),
    COLLECTOR_WRITE_KEYS: JSON.stringify([
      { storefront: 'faults', key: FAULT_WRITE_KEY, allowedOrigins: [] },
    ]),
    COLLECTOR_PSEUDONYMISATION_SECRET: FAULT_SECRET,
    COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '1000000',
  };
}

/** The broker's minimum session timeout: a killed member's partitions move on after 6 s, not 30 s. */
export function preprocessorEnv(
  target: FaultTarget,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    ...faultServiceEnv(target),
    PREPROCESSOR_SESSION_TIMEOUT_MS: '6000',
    ...overrides,
  };
}

/** The preprocessor's default consumer group under the namespace (its stored offsets are keyed by it). */
export function preprocessorGroupId(namespace: TestNamespace): string {
  return `${namespace.topicPrefix}.preprocessor`;
}

export interface StoreReader {
  redis: RedisConnection;
  store: FeatureStore;
  kafka: KafkaClient;
  /** The preprocessor's progress through events.raw.v1, as the store records it. */
  progress: () => Promise<StoreProgress>;
  close: () => Promise<void>;
}

/** A direct view of the feature store and the topics, for checks (never through the services). */
export async function openStoreReader(target: FaultTarget): Promise<StoreReader> {
  const nodes = target.environment.redisClusterNodes;
  const redis = new RedisConnection({
    url: target.environment.redisUrl,
    keyPrefix: target.namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
    ...(nodes === undefined
      ? {}
      : {
          clusterNodes: nodes.split(',').map((node) => {
            const [host, port] = node.split(':');
            return { host: host!, port: Number(port) };
          }),
        }),
  });
  await redis.connect();
  const store = new FeatureStore(redis);
  const kafka = new KafkaClient(
    testKafkaConfig(target.environment.kafkaBrokers, target.namespace, 'fault-check'),
  );
  return {
    redis,
    store,
    kafka,
    progress: () =>
      featureStoreProgress({
        kafka,
        store,
        topic: 'events.raw.v1',
      }),
    close: () => redis.disconnect(),
  };
}

/** Starts services in parallel; if one fails, stops the others before failing (no orphan processes). */
export async function startServicesTogether(
  options: StartServiceOptions[],
): Promise<ServiceProcess[]> {
  const results = await Promise.allSettled(options.map((option) => startServiceProcess(option)));
  const started = results.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failure = results.find((result) => result.status === 'rejected');
  if (failure === undefined) return started;
  await Promise.all(started.map((service) => service.stop()));
  throw failure.reason;
}
