/**
 * Feeds `events.raw.v1` to the A/B attribution (AttributeEventUseCase): impressions, clicks on a served
 * list and purchases after an exposure, with the broker's time as the latest possible receipt time (an
 * erased shopper's events received before the erasure are skipped). One consumer group per deployment.
 */
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ExperimentStore } from '@recsys/feature-store';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { SCORER_SERVICE_NAME, type ScorerConfig } from '../config';
import { AttributeEventUseCase } from '../experiments/attribute-event.usecase';
import { ScorerMetrics } from '../scorer.metrics';

@Injectable()
export class AttributionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: KafkaTopicConsumer<'events.raw.v1'> | undefined;

  constructor(
    @Inject(APP_CONFIG) config: ScorerConfig,
    client: KafkaClient,
    publisher: KafkaPublisher,
    store: ExperimentStore,
    metrics: ScorerMetrics,
  ) {
    if (!config.attribution) return;
    const attribution = new AttributeEventUseCase(store, metrics);
    this.consumer = new KafkaTopicConsumer(client, {
      topic: 'events.raw.v1',
      groupId: `${config.groupId}.attribution`,
      service: SCORER_SERVICE_NAME,
      deadLetters: publisher,
      // Attribution starts with the scorer's first deployment, not with the topic's history.
      fromBeginning: false,
      partitionsConsumedConcurrently: 3,
      handle: async ({ value, timestamp }) => attribution.execute(value, timestamp),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
