/**
 * The console's own view of the traffic: one tap on `events.raw.v1` (headers only) and `events.dlq.v1`
 * (small, so values too), started ten minutes and a day back respectively, so the counts are complete
 * from the first page view after a restart.
 */
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ErasureSubjects } from '@recsys/feature-store';
import { KafkaClient, KafkaHeaderTap, type TappedMessage } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import type { ConsoleConfig } from '../config';
import { ConsoleMetrics } from '../console.metrics';
import { DEAD_LETTER_WINDOW_MS, DeadLetterCounts, deadLetterKeyOf } from './dead-letter-counts';
import { EVENT_RATE_WINDOW_SECONDS, EventRates } from './event-rates';
import { ErasedShoppers } from './erased-shoppers';
import { RecentEvents } from './recent-events';
import { needsValue, tappedEventOf } from './tapped-event';

@Injectable()
export class LiveTraffic implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly rates: EventRates;
  readonly deadLetters: DeadLetterCounts;
  readonly recent: RecentEvents;
  private readonly tap: KafkaHeaderTap;
  private readonly logger = new Logger('traffic');

  constructor(
    @Inject(APP_CONFIG) config: ConsoleConfig,
    client: KafkaClient,
    private readonly metrics: ConsoleMetrics,
  ) {
    const erased = new ErasedShoppers(new ErasureSubjects(config.tombstoneSecret));
    this.recent = new RecentEvents({ erased });
    const now = Date.now();
    const eventsSinceMs = now - EVENT_RATE_WINDOW_SECONDS * 1_000;
    const deadLettersSinceMs = now - DEAD_LETTER_WINDOW_MS;
    this.rates = new EventRates(eventsSinceMs);
    this.deadLetters = new DeadLetterCounts(deadLettersSinceMs);
    this.tap = new KafkaHeaderTap(client, {
      groupId: config.groupId,
      topics: [
        { topic: 'events.raw.v1', sinceMs: eventsSinceMs, withValues: needsValue },
        { topic: 'events.dlq.v1', sinceMs: deadLettersSinceMs, withValues: true },
      ],
      onMessages: (messages) => this.count(messages),
      logger: this.logger,
    });
  }

  get isRunning(): boolean {
    return this.tap.isRunning;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.tap.start();
    this.logger.log('counting events.raw.v1 and events.dlq.v1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tap.stop();
  }

  /** Counts a batch of one partition (all of one topic). */
  count(messages: TappedMessage[]): void {
    const nowMs = Date.now();
    for (const message of messages) {
      if (message.topic === 'events.dlq.v1') {
        const key = deadLetterKeyOf(message.headers, message.value ?? '');
        this.deadLetters.record(key, message.timestampMs, nowMs);
        continue;
      }
      const event = tappedEventOf(message);
      // Kafka time: the chart shows the rate the platform accepted events (replays included).
      this.rates.record(event.eventType, message.timestampMs, nowMs);
      if (event.userKey !== undefined && event.eventId !== undefined) {
        const { eventId, eventType, atMs } = event;
        const receivedAtMs = message.timestampMs;
        this.recent.record(event.userKey, { eventId, eventType, atMs, receivedAtMs }, nowMs);
      }
    }
    const topic = messages[0]?.topic;
    if (topic !== undefined) this.metrics.messagesTapped(topic, messages.length);
  }
}
