/** The scorer's HTTP app in-process for integration tests: its config on the test's Kafka and Redis. */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '@recsys/platform';
import { serviceEnv, type IntegrationEnvironment } from '@recsys/testing';
import { loadScorerConfig, type ScorerConfig } from '../src/config';
import { scorerService } from '../src/service';

/** Loopback, an ephemeral port, quiet logs, the cpu backend and one partition per topic; then `env`. */
export function scorerTestConfig(
  environment: IntegrationEnvironment,
  namespace: { topicPrefix: string; redisKeyPrefix: string },
  env: Record<string, string>,
): ScorerConfig {
  return loadScorerConfig({
    ...serviceEnv(environment, namespace),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'fatal',
    MODEL_BACKEND: 'cpu',
    KAFKA_TOPIC_PARTITIONS: '1',
    ...env,
  });
}

export async function startScorerApp(
  config: ScorerConfig,
): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  const app = await createHttpApp(scorerService, config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl: await app.getUrl() };
}
