/**
 * Attributes what shoppers do back to the A/B arm that served them: impressions (the scorer's own, or a
 * storefront's when it logs renders), clicks on a served list, and purchases after an exposure. The store
 * counts each event id once, so Kafka's redeliveries change nothing. One consumer group per deployment.
 */
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { StorefrontEvent } from '@recsys/contracts';
import { ExperimentStore } from '@recsys/feature-store';
import { userKeyOf } from '@recsys/features';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { SCORER_SERVICE_NAME, type ScorerConfig } from '../config';
import { ScorerMetrics } from '../scorer.metrics';

@Injectable()
export class AttributionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: KafkaTopicConsumer<'events.raw.v1'> | undefined;

  constructor(
    @Inject(APP_CONFIG) config: ScorerConfig,
    client: KafkaClient,
    publisher: KafkaPublisher,
    private readonly store: ExperimentStore,
    private readonly metrics: ScorerMetrics,
  ) {
    if (!config.attribution) return;
    this.consumer = new KafkaTopicConsumer(client, {
      topic: 'events.raw.v1',
      groupId: `${config.groupId}.attribution`,
      service: SCORER_SERVICE_NAME,
      deadLetters: publisher,
      // Attribution starts with the scorer's first deployment, not with the topic's history.
      fromBeginning: false,
      partitionsConsumedConcurrently: 3,
      handle: async ({ value }) => this.attribute(value),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async attribute(event: StorefrontEvent): Promise<void> {
    const userKey = userKeyOf(event);
    const atMs = Date.parse(event.timestamp);
    if (event.eventType === 'recommendation_impression') {
      if (event.experimentId === undefined) return;
      const outcome = await this.store.recordImpression({
        eventId: event.eventId,
        requestId: event.requestId,
        experimentId: event.experimentId,
        arm: event.arm,
        userKey,
        itemIds: event.items.map((item) => item.itemId),
        atMs,
      });
      this.metrics.attribution('impression', outcome.status);
      if (outcome.status === 'counted')
        this.metrics.countedForArm('impression', {
          experimentId: event.experimentId,
          arm: event.arm,
        });
    } else if (event.eventType === 'recommendation_click') {
      const outcome = await this.store.recordClick({
        eventId: event.eventId,
        requestId: event.requestId,
        itemId: event.itemId,
        userKey,
      });
      this.metrics.attribution('click', outcome.status);
      if (outcome.status === 'counted') this.metrics.countedForArm('click', outcome);
    } else if (event.eventType === 'purchase') {
      const outcome = await this.store.recordPurchase({
        eventId: event.eventId,
        userKey,
        revenue: event.revenue,
        atMs,
      });
      this.metrics.attribution('purchase', outcome.status);
      if (outcome.status === 'recorded')
        for (const arm of outcome.experiments) this.metrics.countedForArm('purchase', arm);
    }
    // Every other event type says nothing about an experiment arm.
  }
}
