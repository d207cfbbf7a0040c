/**
 * Rebuilds the feature store from Kafka, the source of truth: deletes every feature key of the current
 * format version (markers and stored offsets included) and rewinds the preprocessor's consumer groups to
 * the earliest offsets. Run it with the preprocessors stopped; when they start again they replay
 * events.raw.v1 and catalog.items.v1 from the beginning and rebuild every feature exactly once.
 * Tombstones (`privacy:v1:`, outside the feature keys) are kept: the apply script skips erased users'
 * events during the replay as it does live, so a rebuild never restores an erased user.
 */
import { ErasureStore, FeatureStore, RedisConnection } from '@recsys/feature-store';
import { KafkaClient } from '@recsys/kafka';
import type { PreprocessorConfig } from './config';

export interface RebuildReport {
  deletedKeys: number;
  rewoundGroups: string[];
  /** Erased users whose events the replay will skip. */
  tombstonesKept: number;
}

export async function rebuildFeatureStore(config: PreprocessorConfig): Promise<RebuildReport> {
  const redis = new RedisConnection(config.redis);
  await redis.connect();
  try {
    const store = new FeatureStore(redis, config.featureStore);
    const erasures = new ErasureStore(redis, store.subjects);
    await erasures.verifySecret();
    const deletedKeys = await store.deleteAll();
    const client = new KafkaClient(config.kafka);
    const groups = [
      { groupId: config.consumer.groupId, topic: 'events.raw.v1' as const },
      { groupId: `${config.consumer.groupId}-catalog`, topic: 'catalog.items.v1' as const },
    ];
    for (const group of groups) await client.rewindGroup(group.groupId, group.topic);
    return {
      deletedKeys,
      rewoundGroups: groups.map((group) => group.groupId),
      tombstonesKept: await erasures.tombstoneCount(),
    };
  } finally {
    await redis.disconnect();
  }
}
