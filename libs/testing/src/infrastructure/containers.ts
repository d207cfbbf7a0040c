/**
 * testcontainers, used when a Docker engine answers (a developer laptop, a CI runner with Docker).
 * Imported lazily: machines without Docker never load the module.
 */
import { existsSync } from 'node:fs';

/** Images pinned to the Kafka line the local broker runs (Confluent 7.9 = Apache Kafka 3.9). */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
export const REDIS_IMAGE = 'redis:7.2-alpine';

const DOCKER_PROBE_TIMEOUT_MS = 5_000;

export async function dockerEngineAnswers(): Promise<boolean> {
  const hasSocket = process.env['DOCKER_HOST'] !== undefined || existsSync('/var/run/docker.sock');
  if (!hasSocket || process.env['RECSYS_TEST_NO_DOCKER'] === '1') return false;
  const { getContainerRuntimeClient } = await import('testcontainers');
  const probe = getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((done) =>
    setTimeout(() => done(false), DOCKER_PROBE_TIMEOUT_MS).unref(),
  );
  return Promise.race([probe, timeout]);
}

export interface StartedContainer {
  address: string;
  stop: () => Promise<void>;
}

export async function startKafkaContainer(): Promise<StartedContainer> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
  return {
    address: `${container.getHost()}:${container.getMappedPort(9093)}`,
    stop: async () => {
      await container.stop();
    },
  };
}

export async function startRedisContainer(): Promise<StartedContainer> {
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer(REDIS_IMAGE).start();
  return {
    address: container.getConnectionUrl(),
    stop: async () => {
      await container.stop();
    },
  };
}
