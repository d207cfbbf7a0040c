/**
 * Nest wiring of the erasure API: the stores on the service's Redis connection (sharing the feature
 * store's erasure subjects, so the apply script and the erasure name users alike), the use case on the
 * service's publisher, and a start-up check that this service's tombstone secret is the stored one.
 */
import { Inject, Injectable, Logger, type OnModuleInit, type Provider } from '@nestjs/common';
import {
  ErasureReceiptStore,
  ErasureStore,
  FeatureStore,
  RedisConnection,
} from '@recsys/feature-store';
import type { ErasureReceiptV1, TopicName, UserErasedV1 } from '@recsys/contracts';
import { describeRetention, KafkaClient, KafkaPublisher, type TopicRetention } from '@recsys/kafka';
import type { PreprocessorConfig } from '../config';
import { EraseUserUseCase } from './erase-user.usecase';

@Injectable()
export class TombstoneSecretCheck implements OnModuleInit {
  private readonly logger = new Logger('privacy');

  constructor(@Inject(ErasureStore) private readonly erasures: ErasureStore) {}

  async onModuleInit(): Promise<void> {
    const verdict = await this.erasures.verifySecret();
    if (!this.erasures.subjects.keyed)
      this.logger.warn('PRIVACY_TOMBSTONE_SECRET is not set: tombstones use an unkeyed hash');
    if (verdict !== 'same') this.logger.log(`tombstone secret fingerprint ${verdict}`);
  }
}

/** The use case's Kafka side: the announcement and the topics' retention. */
@Injectable()
export class KafkaErasureAnnouncements {
  constructor(
    private readonly publisher: KafkaPublisher,
    private readonly client: KafkaClient,
  ) {}

  async announce(message: UserErasedV1): Promise<ErasureReceiptV1['announcement']> {
    const [stored] = await this.publisher.publish('privacy.erasures.v1', [
      { key: message.subject, value: message },
    ]);
    return {
      topic: this.client.topicName('privacy.erasures.v1'),
      partition: stored?.partition ?? 0,
      offset: stored?.baseOffset ?? stored?.offset ?? '0',
    };
  }

  async retention(topics: TopicName[]): Promise<TopicRetention[]> {
    return describeRetention(this.client, topics);
  }
}

export function privacyProviders(config: PreprocessorConfig): Provider[] {
  return [
    {
      provide: ErasureStore,
      inject: [RedisConnection, FeatureStore],
      useFactory: (redis: RedisConnection, store: FeatureStore) =>
        new ErasureStore(redis, store.subjects),
    },
    {
      provide: ErasureReceiptStore,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => new ErasureReceiptStore(redis),
    },
    KafkaErasureAnnouncements,
    {
      provide: EraseUserUseCase,
      inject: [ErasureStore, ErasureReceiptStore, KafkaErasureAnnouncements],
      useFactory: (
        erasures: ErasureStore,
        receipts: ErasureReceiptStore,
        kafka: KafkaErasureAnnouncements,
      ) =>
        new EraseUserUseCase(
          {
            erasures,
            receipts,
            announce: (message) => kafka.announce(message),
            retention: (topics) => kafka.retention(topics),
          },
          {
            pseudonymisationSecret: config.privacy.pseudonymisationSecret,
            userTtlSeconds: config.featureStore.userTtlSeconds,
          },
        ),
    },
    TombstoneSecretCheck,
  ];
}
