import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import {
  FeatureStore,
  FEATURE_FORMAT_VERSION,
  RedisConnection,
  RedisModule,
} from '@recsys/feature-store';
import {
  KafkaClient,
  KafkaModule,
  kafkaHealthIndicator,
  KafkaPublisher,
  type TopicSpec,
} from '@recsys/kafka';
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
import { CatalogConsumer } from './catalog/catalog.consumer';
import { PREPROCESSOR_SERVICE_NAME, type PreprocessorConfig } from './config';
import { buildPreprocessorOpenApiDocument } from './docs/openapi';
import { EventsConsumer } from './events/events.consumer';
import { ProcessEventsUseCase } from './events/process-events.usecase';
import { LruUserStateCache } from './events/user-state-cache';
import { OpsStatsWriter, opsStatsWriterProvider } from './ops-stats.writer';
import { PreprocessorMetrics } from './preprocessor.metrics';
import { ErasuresController } from './privacy/erasures.controller';
import { privacyProviders } from './privacy/privacy.providers';

function topicsToCreate(config: PreprocessorConfig): TopicSpec[] {
  if (!config.topics.create) return [];
  const partitions = config.topics.partitions;
  return [
    { topic: 'events.raw.v1', partitions },
    { topic: 'events.dlq.v1', partitions },
    { topic: 'catalog.items.v1', partitions },
    { topic: 'features.updated.v2', partitions },
    { topic: 'training.examples.v2', partitions },
    { topic: 'privacy.erasures.v1', partitions: 1 },
  ];
}

@Module({})
export class PreprocessorModule {
  static forRoot(config: PreprocessorConfig): DynamicModule {
    return {
      module: PreprocessorModule,
      imports: [
        KafkaModule.forRoot({ config: config.kafka, ensureTopics: topicsToCreate(config) }),
        MetricsModule.forRoot({ serviceName: PREPROCESSOR_SERVICE_NAME }),
        RedisModule.forRoot({
          config: config.redis,
          featureStore: config.featureStore,
          // Nothing written before a lost connection reaches Redis after it: the feature writer
          // resumes from the store's offsets instead (a restarted Redis may lack its last writes).
          connection: { resendAfterReconnect: false },
        }),
      ],
      controllers: [OpenApiController, ErasuresController, HealthController],
      providers: [
        { provide: ADMIN_TOKEN, useValue: config.adminToken },
        { provide: APP_CONFIG, useValue: config },
        openApiDocumentProvider(buildPreprocessorOpenApiDocument),
        AdminGuard,
        CatalogConsumer,
        EventsConsumer,
        PreprocessorMetrics,
        {
          provide: LruUserStateCache,
          useValue: new LruUserStateCache(config.featureStore.userCacheSize),
        },
        opsStatsWriterProvider(config.quality),
        ...privacyProviders(config),
        processEventsProvider(config),
        {
          provide: HEALTH_INDICATORS,
          inject: [KafkaClient, KafkaPublisher, RedisConnection, EventsConsumer],
          useFactory: (
            client: KafkaClient,
            publisher: KafkaPublisher,
            redis: RedisConnection,
            events: EventsConsumer,
          ): HealthIndicator[] => [
            kafkaHealthIndicator(client, publisher),
            { name: 'redis', isHealthy: () => redis.isHealthy() },
            { name: 'consumer', isHealthy: async () => events.isRunning },
          ],
        },
      ],
    };
  }
}

/** The events use case, with this instance's user-state cache behind the feature writer. */
function processEventsProvider(config: PreprocessorConfig): Provider {
  return {
    provide: ProcessEventsUseCase,
    inject: [FeatureStore, KafkaPublisher, OpsStatsWriter, LruUserStateCache],
    useFactory: (
      store: FeatureStore,
      publisher: KafkaPublisher,
      opsStats: OpsStatsWriter,
      cache: LruUserStateCache,
    ) =>
      new ProcessEventsUseCase({
        store,
        writer: store.writer(cache),
        publisher,
        opsStats,
        settings: {
          service: PREPROCESSOR_SERVICE_NAME,
          groupId: config.consumer.groupId,
          checks: {
            maxFutureSkewMs: config.checks.maxFutureSkewMs,
            maxAgeMs: config.checks.maxAgeMs,
          },
          requireKnownItems: config.checks.requireKnownItems,
          lateAfterMs: config.checks.lateAfterMs,
          quality: config.quality,
          featureFormatVersion: FEATURE_FORMAT_VERSION,
          trainingExamples: config.trainingExamples,
        },
      }),
  };
}
