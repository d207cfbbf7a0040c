/**
 * Attributes one event of `events.raw.v1` to the A/B arm that served it: impressions (the scorer's own,
 * or a storefront's when it logs renders), clicks on a served list, and purchases after an exposure. The
 * store counts each event id once, so Kafka's redeliveries change nothing.
 *
 * An erased shopper's history is never attributed: the store skips an event that happened **or was
 * received** at or before the shopper's erasure, like the preprocessor. The receipt time matters for an
 * event stamped ahead of the clock that reached the platform before the erasure but is attributed after
 * it (a lagging or rewound consumer): by event time alone it would look like new history.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import type { ExperimentStore } from '@recsys/feature-store';
import { userKeyOf } from '@recsys/features';
import type { ScorerMetrics } from '../scorer.metrics';

/**
 * When the event reached the platform: the collector's `receivedAt`, but never later than the broker
 * stored it (a message claiming a later receipt would escape the erasure check); the broker's time for
 * events written without one (the scorer's own impressions).
 */
export function receivedAtOf(event: StorefrontEvent, brokerTimestampMs: number): number {
  const stated = event.receivedAt === undefined ? Number.NaN : Date.parse(event.receivedAt);
  return Number.isFinite(stated) ? Math.min(stated, brokerTimestampMs) : brokerTimestampMs;
}

export class AttributeEventUseCase {
  constructor(
    private readonly store: Pick<
      ExperimentStore,
      'recordImpression' | 'recordClick' | 'recordPurchase'
    >,
    private readonly metrics: Pick<ScorerMetrics, 'attribution' | 'countedForArm'>,
  ) {}

  /** @param brokerTimestampMs when Kafka stored the message (its receipt time at the latest). */
  async execute(event: StorefrontEvent, brokerTimestampMs: number): Promise<void> {
    const receivedAtMs = receivedAtOf(event, brokerTimestampMs);
    if (event.eventType === 'recommendation_impression') {
      await this.impression(event, receivedAtMs);
    } else if (event.eventType === 'recommendation_click') {
      const outcome = await this.store.recordClick({
        eventId: event.eventId,
        requestId: event.requestId,
        itemId: event.itemId,
        userKey: userKeyOf(event),
      });
      this.metrics.attribution('click', outcome.status);
      if (outcome.status === 'counted') this.metrics.countedForArm('click', outcome);
    } else if (event.eventType === 'purchase') {
      const outcome = await this.store.recordPurchase({
        eventId: event.eventId,
        userKey: userKeyOf(event),
        revenue: event.revenue,
        atMs: Date.parse(event.timestamp),
        receivedAtMs,
      });
      this.metrics.attribution('purchase', outcome.status);
      if (outcome.status === 'recorded')
        for (const arm of outcome.experiments) this.metrics.countedForArm('purchase', arm);
    }
    // Every other event type says nothing about an experiment arm.
  }

  private async impression(
    event: Extract<StorefrontEvent, { eventType: 'recommendation_impression' }>,
    receivedAtMs: number,
  ): Promise<void> {
    if (event.experimentId === undefined) return;
    const outcome = await this.store.recordImpression({
      eventId: event.eventId,
      requestId: event.requestId,
      experimentId: event.experimentId,
      arm: event.arm,
      userKey: userKeyOf(event),
      itemIds: event.items.map((item) => item.itemId),
      atMs: Date.parse(event.timestamp),
      receivedAtMs,
    });
    this.metrics.attribution('impression', outcome.status);
    if (outcome.status === 'counted')
      this.metrics.countedForArm('impression', {
        experimentId: event.experimentId,
        arm: event.arm,
      });
  }
}
