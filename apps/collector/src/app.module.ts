import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaClient, KafkaModule, KafkaPublisher } from '@recsys/kafka';
import {
  APP_CONFIG,
  HEALTH_INDICATORS,
  HealthController,
  type HealthIndicator,
} from '@recsys/platform';
import type { CollectorConfig } from './config';
import { IngestController } from './ingest/ingest.controller';
import { IngestEventsUseCase } from './ingest/ingest-events.usecase';

@Module({})
export class CollectorModule {
  static forRoot(config: CollectorConfig): DynamicModule {
    return {
      module: CollectorModule,
      imports: [
        KafkaModule.forRoot({
          config: config.kafka,
          ensureTopics: config.topics.create
            ? [
                { topic: 'events.raw.v1', partitions: config.topics.partitions },
                { topic: 'events.dlq.v1', partitions: config.topics.partitions },
              ]
            : [],
        }),
      ],
      controllers: [HealthController, IngestController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: HEALTH_INDICATORS,
          inject: [KafkaClient, KafkaPublisher],
          useFactory: (client: KafkaClient, publisher: KafkaPublisher): HealthIndicator[] => [
            {
              name: 'kafka',
              isHealthy: async () => publisher.isConnected && (await client.isHealthy()),
            },
          ],
        },
        {
          provide: IngestEventsUseCase,
          inject: [KafkaPublisher],
          useFactory: (publisher: KafkaPublisher) =>
            new IngestEventsUseCase(publisher, config.limits),
        },
      ],
    };
  }
}
