/**
 * How far the feature store is behind a topic, from the offsets the preprocessor stores in Redis together
 * with their effects (FORMAT.md `off:` keys) and the ends of the topic's partitions: `applied` counts the
 * messages whose effects are in the store (or were skipped), `lag` those still to do. Lag 0 = caught up.
 */
import type { TopicName } from '@recsys/contracts';
import type { FeatureStore } from '@recsys/feature-store';
import type { KafkaClient } from '@recsys/kafka';

export interface StoreProgress {
  applied: number;
  lag: number;
}

export async function featureStoreProgress(options: {
  kafka: KafkaClient;
  store: FeatureStore;
  topic: TopicName;
}): Promise<StoreProgress> {
  const topic = options.kafka.topicName(options.topic);
  const admin = options.kafka.kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const progress: StoreProgress = { applied: 0, lag: 0 };
    for (const { partition, high } of ends) {
      const stored = await options.store.storedOffset(topic, partition);
      const applied = Number(stored ?? -1) + 1;
      progress.applied += applied;
      progress.lag += Math.max(0, Number(high) - applied);
    }
    return progress;
  } finally {
    await admin.disconnect();
  }
}
