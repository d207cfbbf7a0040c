/** Keeps the feature store's catalogue fields current from `catalog.items.v1` (last write wins). */
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { FeatureStore } from '@recsys/feature-store';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { PREPROCESSOR_SERVICE_NAME, type PreprocessorConfig } from '../config';

@Injectable()
export class CatalogConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: KafkaTopicConsumer<'catalog.items.v1'>;

  constructor(
    @Inject(APP_CONFIG) config: PreprocessorConfig,
    client: KafkaClient,
    publisher: KafkaPublisher,
    store: FeatureStore,
  ) {
    this.consumer = new KafkaTopicConsumer(client, {
      topic: 'catalog.items.v1',
      groupId: `${config.consumer.groupId}-catalog`,
      service: PREPROCESSOR_SERVICE_NAME,
      deadLetters: publisher,
      sessionTimeoutMs: config.consumer.sessionTimeoutMs,
      handle: async (message) => {
        await store.upsertItem(message.value);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
