/** Runs the batch consumer of `events.raw.v1` for the life of the app. Thin: the use case does the work. */
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { FeatureStore } from '@recsys/feature-store';
import { KafkaBatchConsumer, KafkaClient, KafkaPublisher } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { PREPROCESSOR_SERVICE_NAME, type PreprocessorConfig } from '../config';
import { PreprocessorMetrics } from '../preprocessor.metrics';
import { ProcessEventsUseCase } from './process-events.usecase';

@Injectable()
export class EventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('events');
  private readonly consumer: KafkaBatchConsumer;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) config: PreprocessorConfig,
    client: KafkaClient,
    publisher: KafkaPublisher,
    useCase: ProcessEventsUseCase,
    metrics: PreprocessorMetrics,
    store: FeatureStore,
  ) {
    this.consumer = new KafkaBatchConsumer(client, {
      topic: 'events.raw.v1',
      groupId: config.consumer.groupId,
      service: PREPROCESSOR_SERVICE_NAME,
      deadLetters: publisher,
      maxBatchSize: config.consumer.batchSize,
      partitionsConsumedConcurrently: config.consumer.partitionConcurrency,
      sessionTimeoutMs: config.consumer.sessionTimeoutMs,
      // Resume after what the feature store holds, not the committed offset: writes Redis lost are replayed.
      resumeAfter: async (topic, partition) => {
        const stored = await store.storedOffset(topic, partition);
        return stored === undefined ? undefined : BigInt(stored);
      },
      handleBatch: async (messages) =>
        metrics.recordBatch(await metrics.timeBatch(() => useCase.execute(messages))),
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.running = true;
    this.logger.log('consuming events.raw.v1');
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.consumer.stop();
  }
}
