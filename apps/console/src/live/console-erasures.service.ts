/**
 * Tells the console's recent-events memory about erasures, now and after a restart (the traffic tap
 * starts ten minutes back, so a restart re-reads an erased shopper's recent events):
 *   - announcements on `privacy.erasures.v1` (the preprocessor's, after the tombstone is written) drop
 *     the shopper's events at once;
 *   - on start, after following the announcements, every tombstone in Redis is loaded, so nothing
 *     announced before the start is missed. While Redis cannot be read the load is retried; the lookup
 *     never shows an erased history it knows of in the meantime.
 */
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { UserErasedV1 } from '@recsys/contracts';
import { ErasureStore, ErasureSubjects, RedisConnection } from '@recsys/feature-store';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { CONSOLE_SERVICE_NAME, type ConsoleConfig } from '../config';
import { LiveTraffic } from './live-traffic.service';

/** Between attempts to load the tombstones while Redis cannot be read. */
const LOAD_RETRY_MS = 10_000;

@Injectable()
export class ConsoleErasures implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('privacy');
  private readonly store: ErasureStore;
  private readonly consumer: KafkaTopicConsumer<'privacy.erasures.v1'>;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) config: ConsoleConfig,
    client: KafkaClient,
    publisher: KafkaPublisher,
    redis: RedisConnection,
    private readonly traffic: LiveTraffic,
  ) {
    this.store = new ErasureStore(redis, new ErasureSubjects(config.tombstoneSecret));
    this.consumer = new KafkaTopicConsumer(client, {
      topic: 'privacy.erasures.v1',
      groupId: `${config.groupId}-erasures`,
      service: CONSOLE_SERVICE_NAME,
      deadLetters: publisher,
      // A new group reads the (small) topic from its start: no announcement falls between the
      // tombstones loaded and the group's first offset. Applying one twice changes nothing.
      fromBeginning: true,
      handle: async ({ value }) => this.apply(value),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    await this.loadTombstones();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retry);
    await this.consumer.stop();
  }

  private apply(message: UserErasedV1): Promise<void> {
    this.traffic.recent.erase(message.subject, Date.parse(message.erasedAt));
    // The subject is a keyed hash that still matches the tombstone store: logs name the request only.
    this.logger.log(`erasure ${message.requestId}: recent events dropped`);
    return Promise.resolve();
  }

  private async loadTombstones(): Promise<void> {
    try {
      await this.store.verifySecret();
      const tombstones = await this.store.erasedSince(0);
      for (const [subject, erasedAtMs] of tombstones)
        this.traffic.recent.erase(subject, erasedAtMs);
      this.logger.log(`${tombstones.size} erased shoppers loaded`);
    } catch (error) {
      this.logger.warn(`erased shoppers not loaded, retrying: ${String(error)}`);
      this.retry = setTimeout(() => void this.loadTombstones(), LOAD_RETRY_MS);
      this.retry.unref();
    }
  }
}
