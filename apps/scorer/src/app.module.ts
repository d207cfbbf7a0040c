import { Logger, Module, type DynamicModule } from '@nestjs/common';
import {
  defaultExperimentStoreSettings,
  ExperimentStore,
  RedisConnection,
  RedisModelRegistry,
  RedisModule,
  RedisRecommendationReader,
} from '@recsys/feature-store';
import { TENSORFLOW_BACKEND, tensorflowBackendProvider } from '@recsys/model';
import { KafkaClient, KafkaModule, KafkaPublisher, kafkaHealthIndicator } from '@recsys/kafka';
import {
  ADMIN_TOKEN,
  APP_CONFIG,
  OpenApiController,
  openApiDocumentProvider,
  AdminGuard,
  HEALTH_INDICATORS,
  HealthController,
  MetricsModule,
  type HealthIndicator,
} from '@recsys/platform';
import { SCORER_SERVICE_NAME, type ScorerConfig } from './config';
import { buildScorerOpenApiDocument } from './docs/openapi';
import { ExperimentConclusion } from './experiments/experiment-conclusion.service';
import { ExperimentsCache } from './experiments/experiments.cache';
import { ExperimentsController } from './http/experiments.controller';
import { OffersController } from './http/offers.controller';
import { RecommendationsController } from './http/recommendations.controller';
import { AttributionConsumer } from './kafka/attribution.consumer';
import { ModelsConsumer } from './kafka/models.consumer';
import { RecommendationRequestsConsumer } from './kafka/requests.consumer';
import { ModelCache } from './models/model-cache';
import { OfferService } from './offers/offer.service';
import { RecommendationService } from './recommendations/recommendation.service';
import { ScorerMetrics } from './scorer.metrics';

function topicsToCreate(config: ScorerConfig) {
  if (!config.topics.create) return [];
  const partitions = config.topics.partitions;
  return [
    { topic: 'events.raw.v1' as const, partitions },
    { topic: 'events.dlq.v1' as const, partitions },
    { topic: 'models.published.v1' as const, partitions: 1 },
    { topic: 'recommendations.requests.v1' as const, partitions },
    { topic: 'recommendations.v1' as const, partitions },
  ];
}

function storageProviders(config: ScorerConfig) {
  return [
    {
      provide: RedisModelRegistry,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => new RedisModelRegistry(redis, config.model.name),
    },
    {
      provide: RedisRecommendationReader,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => new RedisRecommendationReader(redis),
    },
    {
      provide: ExperimentStore,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) =>
        new ExperimentStore(redis, {
          ...defaultExperimentStoreSettings,
          tombstoneSecret: config.tombstoneSecret,
        }),
    },
    {
      provide: ModelCache,
      inject: [RedisModelRegistry, TENSORFLOW_BACKEND],
      useFactory: (registry: RedisModelRegistry) =>
        new ModelCache(registry, {
          graceMs: config.model.graceMs,
          log: (line) => modelsLogger.log(line),
        }),
    },
  ];
}

const modelsLogger = new Logger('models');

@Module({})
export class ScorerModule {
  static forRoot(config: ScorerConfig): DynamicModule {
    return {
      module: ScorerModule,
      imports: [
        KafkaModule.forRoot({ config: config.kafka, ensureTopics: topicsToCreate(config) }),
        MetricsModule.forRoot({ serviceName: SCORER_SERVICE_NAME }),
        RedisModule.forRoot({ config: config.redis }),
      ],
      controllers: [
        OpenApiController,
        HealthController,
        RecommendationsController,
        ExperimentsController,
        OffersController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        openApiDocumentProvider(buildScorerOpenApiDocument),
        { provide: ADMIN_TOKEN, useValue: config.adminToken },
        AdminGuard,
        tensorflowBackendProvider(config.model.backend),
        ScorerMetrics,
        ...storageProviders(config),
        ExperimentsCache,
        ExperimentConclusion,
        RecommendationService,
        OfferService,
        ModelsConsumer,
        RecommendationRequestsConsumer,
        AttributionConsumer,
        {
          provide: HEALTH_INDICATORS,
          inject: [KafkaClient, KafkaPublisher, RedisConnection],
          useFactory: (
            client: KafkaClient,
            publisher: KafkaPublisher,
            redis: RedisConnection,
          ): HealthIndicator[] => [
            kafkaHealthIndicator(client, publisher),
            // Without Redis the scorer serves its fallback list: report it, keep taking traffic.
            { name: 'redis', isHealthy: () => redis.isHealthy(), critical: false },
          ],
        },
      ],
    };
  }
}
