import { Module, type DynamicModule } from '@nestjs/common';
import { RedisConnection, RedisModelRegistry, RedisModule } from '@recsys/feature-store';
import { TENSORFLOW_BACKEND, tensorflowBackendProvider } from '@recsys/model';
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
import { TRAINER_SERVICE_NAME, type TrainerConfig } from './config';
import { buildTrainerOpenApiDocument } from './docs/openapi';
import { ModelsController } from './http/models.controller';
import { TrainerMetrics } from './trainer.metrics';
import { TrainerService } from './trainer.service';
import { PrivacyController } from './window/privacy.controller';
import { WindowErasures } from './window/window-erasures.service';

function topicsToCreate(config: TrainerConfig) {
  if (!config.topics.create) return [];
  const partitions = config.topics.partitions;
  return [
    { topic: 'training.examples.v2' as const, partitions },
    { topic: 'models.published.v1' as const, partitions: 1 },
    { topic: 'events.dlq.v1' as const, partitions },
    { topic: 'privacy.erasures.v1' as const, partitions: 1 },
  ];
}

@Module({})
export class TrainerModule {
  static forRoot(config: TrainerConfig): DynamicModule {
    return {
      module: TrainerModule,
      imports: [
        KafkaModule.forRoot({ config: config.kafka, ensureTopics: topicsToCreate(config) }),
        MetricsModule.forRoot({ serviceName: TRAINER_SERVICE_NAME }),
        RedisModule.forRoot({ config: config.redis }),
      ],
      controllers: [OpenApiController, HealthController, ModelsController, PrivacyController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        openApiDocumentProvider(buildTrainerOpenApiDocument),
        { provide: ADMIN_TOKEN, useValue: config.adminToken },
        AdminGuard,
        tensorflowBackendProvider(config.model.backend),
        TrainerMetrics,
        {
          provide: RedisModelRegistry,
          // Training needs the backend chosen first; the registry is the trainer's first model user.
          inject: [RedisConnection, TENSORFLOW_BACKEND],
          useFactory: (redis: RedisConnection) => new RedisModelRegistry(redis, config.model.name),
        },
        TrainerService,
        WindowErasures,
        {
          provide: HEALTH_INDICATORS,
          inject: [KafkaClient, KafkaPublisher, RedisConnection, TrainerService],
          useFactory: (
            client: KafkaClient,
            publisher: KafkaPublisher,
            redis: RedisConnection,
            trainer: TrainerService,
          ): HealthIndicator[] => [
            kafkaHealthIndicator(client, publisher),
            { name: 'redis', isHealthy: () => redis.isHealthy() },
            { name: 'consumer', isHealthy: async () => trainer.isConsuming },
          ],
        },
      ],
    };
  }
}
