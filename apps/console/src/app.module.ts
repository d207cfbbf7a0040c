import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import {
  ExperimentStore,
  FeatureStore,
  OpsStatsStore,
  RedisConnection,
  RedisModelRegistry,
  RedisModule,
} from '@recsys/feature-store';
import { KafkaClient, KafkaModule, KafkaPublisher, kafkaHealthIndicator } from '@recsys/kafka';
import {
  ADMIN_TOKEN,
  APP_CONFIG,
  AdminGuard,
  HEALTH_INDICATORS,
  HealthController,
  MetricsModule,
  OpenApiController,
  openApiDocumentProvider,
  type HealthIndicator,
} from '@recsys/platform';
import { CONSOLE_SERVICE_NAME, type ConsoleConfig } from './config';
import { buildConsoleOpenApiDocument } from './docs/openapi';
import { ConsoleMetrics } from './console.metrics';
import { ExperimentsUseCase } from './experiments/experiments.usecase';
import { ApiController } from './http/api.controller';
import { AssetsController } from './http/assets.controller';
import { WebAssets } from './http/web-assets';
import { ConsoleErasures } from './live/console-erasures.service';
import { ConsumerLag } from './live/consumer-lag.service';
import { LiveTraffic } from './live/live-traffic.service';
import { LiveUseCase } from './live/live.usecase';
import { ModelsUseCase } from './models/models.usecase';
import { ScorerClient } from './users/scorer-client';
import { UserLookupUseCase } from './users/user-lookup.usecase';

function topicsToCreate(config: ConsoleConfig) {
  if (!config.topics.create) return [];
  const partitions = config.topics.partitions;
  return [
    { topic: 'events.raw.v1' as const, partitions },
    { topic: 'events.dlq.v1' as const, partitions },
    // One partition, like the preprocessor and trainer create it: erasures are few and ordered.
    { topic: 'privacy.erasures.v1' as const, partitions: 1 },
  ];
}

/** The stores the console reads, on the service's Redis connection. */
function storeProviders(config: ConsoleConfig): Provider[] {
  return [
    {
      provide: ExperimentStore,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => new ExperimentStore(redis),
    },
    {
      provide: OpsStatsStore,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => new OpsStatsStore(redis),
    },
    {
      provide: RedisModelRegistry,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => new RedisModelRegistry(redis, config.modelName),
    },
  ];
}

/** The user lookup: the scorer's client and the use case (options object, like the other use cases). */
function lookupProviders(config: ConsoleConfig): Provider[] {
  return [
    {
      provide: ScorerClient,
      inject: [ConsoleMetrics],
      useFactory: (metrics: ConsoleMetrics) =>
        new ScorerClient({
          baseUrl: config.scorer.url,
          timeoutMs: config.scorer.timeoutMs,
          // One ADMIN_TOKEN for the whole deployment (the chart gives every service the same Secret).
          adminToken: config.adminToken,
          onAnswer: (status) => metrics.scorerCalled(status),
        }),
    },
    {
      provide: UserLookupUseCase,
      inject: [FeatureStore, LiveTraffic, ScorerClient],
      useFactory: (store: FeatureStore, traffic: LiveTraffic, scorer: ScorerClient) =>
        new UserLookupUseCase({
          store,
          recent: traffic.recent,
          scorer,
          pseudonymisationSecret: config.pseudonymisationSecret,
        }),
    },
  ];
}

export interface ConsoleModuleOptions {
  /** Where the page and its assets are read from. @default the build's `web/` folder */
  webRoot?: string;
}

@Module({})
export class ConsoleModule {
  static forRoot(config: ConsoleConfig, options: ConsoleModuleOptions = {}): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [
        KafkaModule.forRoot({ config: config.kafka, ensureTopics: topicsToCreate(config) }),
        MetricsModule.forRoot({ serviceName: CONSOLE_SERVICE_NAME }),
        RedisModule.forRoot({ config: config.redis }),
      ],
      controllers: [OpenApiController, ApiController, AssetsController, HealthController],
      providers: [
        { provide: ADMIN_TOKEN, useValue: config.adminToken },
        { provide: APP_CONFIG, useValue: config },
        openApiDocumentProvider(buildConsoleOpenApiDocument),
        AdminGuard,
        ConsoleMetrics,
        ConsumerLag,
        ExperimentsUseCase,
        ...storeProviders(config),
        ...lookupProviders(config),
        LiveTraffic,
        ConsoleErasures,
        LiveUseCase,
        ModelsUseCase,
        { provide: WebAssets, useValue: new WebAssets(options.webRoot) },
        {
          provide: HEALTH_INDICATORS,
          inject: [KafkaClient, KafkaPublisher, RedisConnection, LiveTraffic],
          useFactory: (
            client: KafkaClient,
            publisher: KafkaPublisher,
            redis: RedisConnection,
            traffic: LiveTraffic,
          ): HealthIndicator[] => [
            kafkaHealthIndicator(client, publisher),
            { name: 'redis', isHealthy: () => redis.isHealthy() },
            { name: 'consumer', isHealthy: async () => traffic.isRunning },
          ],
        },
      ],
    };
  }
}
