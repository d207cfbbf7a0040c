/**
 * Gives a test run one Kafka, one Redis and one Redis Cluster, each chosen independently in this order:
 *   1. the address in KAFKA_BROKERS / REDIS_URL / REDIS_CLUSTER_NODES (nothing is started);
 *   2. testcontainers, when a Docker engine answers (Kafka and Redis; the cluster is always local);
 *   3. the project's local processes (tools/kafka.sh, tools/redis.sh, tools/redis-cluster.sh).
 * `release()` stops only what this call started.
 */
import { dockerEngineAnswers, startKafkaContainer, startRedisContainer } from './containers';
import { startLocal, stopLocal, type LocalService } from './local-processes';

export type InfrastructureSource = 'env' | 'testcontainers' | 'local';

export interface ProvisionedService {
  address: string;
  source: InfrastructureSource;
  release: () => Promise<void>;
}

export interface ProvisionedInfrastructure {
  kafka: ProvisionedService;
  redis: ProvisionedService;
  /** Seed nodes `host:port,…` of a three-primary Redis Cluster. */
  redisCluster: ProvisionedService;
  release: () => Promise<void>;
}

const ENV_NAMES: Record<LocalService, string> = {
  kafka: 'KAFKA_BROKERS',
  redis: 'REDIS_URL',
  'redis-cluster': 'REDIS_CLUSTER_NODES',
};

async function provisionOne(
  service: LocalService,
  useDocker: boolean,
): Promise<ProvisionedService> {
  const fromEnv = process.env[ENV_NAMES[service]];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { address: fromEnv, source: 'env', release: async () => undefined };
  }
  if (useDocker && service !== 'redis-cluster') {
    const container = await (service === 'kafka' ? startKafkaContainer() : startRedisContainer());
    return { address: container.address, source: 'testcontainers', release: container.stop };
  }
  const local = await startLocal(service);
  return {
    address: local.address,
    source: 'local',
    release: local.startedNow ? () => stopLocal(service) : async () => undefined,
  };
}

export async function provisionInfrastructure(): Promise<ProvisionedInfrastructure> {
  const needsStart = Object.values(ENV_NAMES).some((name) => !process.env[name]);
  const useDocker = needsStart && (await dockerEngineAnswers());
  const results = await Promise.allSettled([
    provisionOne('kafka', useDocker),
    provisionOne('redis', useDocker),
    provisionOne('redis-cluster', false),
  ]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    // Stop what did start, or a failed run would leave it running for the next one to adopt.
    const started = results.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    await Promise.all(started.map((service) => service.release()));
    throw failure.reason;
  }
  const [kafka, redis, redisCluster] = results.map(
    (result) => (result as PromiseFulfilledResult<ProvisionedService>).value,
  ) as [ProvisionedService, ProvisionedService, ProvisionedService];
  return {
    kafka,
    redis,
    redisCluster,
    release: async () => {
      await Promise.all([kafka.release(), redis.release(), redisCluster.release()]);
    },
  };
}
