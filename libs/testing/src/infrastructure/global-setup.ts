/**
 * Jest global setup of the `integration` project: provisions Kafka and Redis once per run and hands
 * their addresses to the test workers through KAFKA_BROKERS / REDIS_URL / REDIS_CLUSTER_NODES.
 */
import { provisionInfrastructure, type ProvisionedInfrastructure } from './provision';

declare global {
  var recsysTestInfrastructure: ProvisionedInfrastructure | undefined;
}

export default async function globalSetup(): Promise<void> {
  // Several Jest projects (integration, e2e) run their setups in one process: the first provisions,
  // the others share it — else a later setup would replace the record of what the first started, and
  // the teardown would leave those processes running.
  if (globalThis.recsysTestInfrastructure !== undefined) return;
  const started = Date.now();
  const infrastructure = await provisionInfrastructure();
  globalThis.recsysTestInfrastructure = infrastructure;
  process.env['KAFKA_BROKERS'] = infrastructure.kafka.address;
  process.env['REDIS_URL'] = infrastructure.redis.address;
  process.env['REDIS_CLUSTER_NODES'] = infrastructure.redisCluster.address;
  process.stdout.write(
    `\n[test infrastructure] kafka ${infrastructure.kafka.address} (${infrastructure.kafka.source}), ` +
      `redis ${infrastructure.redis.address} (${infrastructure.redis.source}), ` +
      `redis cluster ${infrastructure.redisCluster.address} (${infrastructure.redisCluster.source}), ready in ${Date.now() - started} ms\n`,
  );
}
