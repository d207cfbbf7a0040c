/**
 * The feature store on Redis (layout: ../FORMAT.md, "Feature store (v2)"): applies events through the
 * feature writer (libs/features decides every write; one guarded flush per batch), upserts catalogue
 * items last-write-wins, and reads features back for serving and for tests.
 */
import type { ItemUpsertedV1 } from '@recsys/contracts';
import {
  CATEGORY_SEPARATOR,
  type EventOutcome,
  featureRetention,
  type QualityCounts,
  type StoredHash,
  type StoredUser,
  type UpdatePlan,
} from '@recsys/features';
import { UPSERT_ITEM_LUA } from './lua/upsert-item.lua';
import { featureKeys, utcDay } from './keys';
import { ErasureSubjects } from './privacy/erasure-subjects';
import {
  readItemHashes,
  readMergedTop,
  readShardGuardOffset,
  readShards,
  readStoredUser,
  scoredPairs,
} from './reads';
import type { RedisConnection } from './redis-connection';
import { FeatureWriter, type UserStateCache } from './writes/feature-writer';

export interface FeatureStoreSettings {
  /** Negative items sampled per labelled event snapshot. @default 4 */
  negativeSamples: number;
  /** How long a user's keys live after the user's last event. @default 7776000 (90 days) */
  userTtlSeconds: number;
  /**
   * PRIVACY_TOMBSTONE_SECRET: keys the erasure subjects tombstones are looked up by (the same secret in
   * every service). @default undefined (unkeyed: development only)
   */
  tombstoneSecret?: string;
}

export const defaultFeatureStoreSettings: FeatureStoreSettings = {
  negativeSamples: 4,
  userTtlSeconds: featureRetention.userSeconds,
};

/** Source of the events `apply` writes directly (tests, tools): not a Kafka partition. */
export const DIRECT_SOURCE = 'direct:0';

export interface BatchToApply {
  /** `receivedAtMs`: when the collector accepted the event (an erasure covers what it received before). */
  plans: Array<{ plan: UpdatePlan; receivedAtMs?: number }>;
}

export type ApplyOutcome = EventOutcome;

/** Newest catalogue arrivals kept (exploration candidates). */
const NEW_ITEMS_KEPT = 1000;

export class FeatureStore {
  /** Names users by erasure subject: the writer checks each user's tombstone. */
  readonly subjects: ErasureSubjects;

  constructor(
    private readonly redis: RedisConnection,
    private readonly settings: FeatureStoreSettings = defaultFeatureStoreSettings,
  ) {
    this.subjects = new ErasureSubjects(settings.tombstoneSecret);
    redis.client.defineCommand('recsysUpsertItem', { numberOfKeys: 1, lua: UPSERT_ITEM_LUA });
  }

  /** A writer of source partitions' batches, with the owner's user-state cache. */
  writer(cache?: UserStateCache): FeatureWriter {
    const { negativeSamples, userTtlSeconds } = this.settings;
    return new FeatureWriter(this.redis, {
      subjects: this.subjects,
      settings: { negativeSamples, userTtlSeconds },
      ...(cache === undefined ? {} : { cache }),
    });
  }

  /**
   * Applies events directly (tests, tools), as one batch of the `direct:0` source that continues after
   * what it holds; one outcome per plan, in order.
   */
  async apply(batch: BatchToApply): Promise<ApplyOutcome[]> {
    if (batch.plans.length === 0) return [];
    const first = (await readShardGuardOffset(this.redis, DIRECT_SOURCE, 'resumeAfter')) + 1n;
    const events = batch.plans.map((entry, index) => ({
      plan: entry.plan,
      offset: first + BigInt(index),
      receivedAtMs: entry.receivedAtMs ?? entry.plan.timestampMs,
    }));
    return this.writer().apply({
      source: DIRECT_SOURCE,
      events,
      lastOffset: events[events.length - 1]!.offset,
    });
  }

  /** Writes a catalogue item unless the stored one is as new or newer; true when written. */
  async upsertItem(item: ItemUpsertedV1): Promise<boolean> {
    const updatedMs = Date.parse(item.updatedAt);
    const written = await this.redis.run('upsert item', (client) =>
      (client as unknown as ScriptClient).recsysUpsertItem(
        featureKeys.item(item.itemId),
        String(updatedMs),
        item.title,
        item.categoryPath.join(CATEGORY_SEPARATOR),
        String(item.price),
        item.currency.toUpperCase(),
        item.availability,
        item.brand ?? '',
      ),
    );
    // A first appearance joins the new arrivals (another slot: a separate, idempotent write).
    if (written === 2) await this.rememberNewItem(item.itemId, updatedMs);
    return written > 0;
  }

  private async rememberNewItem(itemId: string, updatedMs: number): Promise<void> {
    await this.redis.run('remember new item', (client) =>
      client
        .multi()
        .zadd(featureKeys.newItems(), 'NX', updatedMs, itemId)
        .zremrangebyrank(featureKeys.newItems(), 0, -(NEW_ITEMS_KEPT + 1))
        .exec(),
    );
  }

  async readUser(userKey: string): Promise<StoredUser> {
    return readStoredUser(this.redis, userKey);
  }

  /** Item hashes for many items in one round trip. */
  async readItems(itemIds: readonly string[]): Promise<Map<string, StoredHash>> {
    return readItemHashes(this.redis, itemIds);
  }

  /** Strongest co-visitation neighbours of an item. */
  async coVisitation(
    itemId: string,
    limit: number,
  ): Promise<Array<{ itemId: string; weight: number }>> {
    const flat = await this.redis.run('read co-visitation', (client) =>
      client.zrevrange(featureKeys.coVisitation(itemId), 0, limit - 1, 'WITHSCORES'),
    );
    return scoredPairs(flat);
  }

  /** Most popular items, all time or on one day, merged over every shard. */
  async popular(limit: number, dayMs?: number): Promise<Array<{ itemId: string; weight: number }>> {
    const keyOf =
      dayMs === undefined
        ? featureKeys.popularity
        : (shardId: string) => featureKeys.popularityOfDay(shardId, utcDay(dayMs));
    return readMergedTop(this.redis, { keyOfShard: keyOf, limit });
  }

  /** The offset of a source partition whose effects are all in the store (undefined: none yet). */
  async storedOffset(topic: string, partition: number): Promise<string | undefined> {
    const offset = await readShardGuardOffset(this.redis, `${topic}:${partition}`, 'resumeAfter');
    return offset < 0n ? undefined : offset.toString();
  }

  /** A data-quality window's counts, summed over every shard. */
  async qualityWindow(windowStartMs: number): Promise<QualityCounts> {
    const shards = await readShards(this.redis);
    const hashes = await this.redis.run('read quality', (client) =>
      Promise.all(
        shards.map((shardId) => client.hgetall(featureKeys.qualityWindow(shardId, windowStartMs))),
      ),
    );
    const read = (field: keyof QualityCounts) =>
      hashes.reduce((sum, hash) => sum + Number(hash[field] ?? 0), 0);
    return {
      total: read('total'),
      invalid: read('invalid'),
      duplicate: read('duplicate'),
      late: read('late'),
      unknown_item: read('unknown_item'),
    };
  }

  /** Deletes every key of this format version (for a rebuild from Kafka). Returns the number deleted. */
  async deleteAll(): Promise<number> {
    const keys = await this.redis.scanKeys(`${featureKeys.root}*`);
    // One UNLINK per key: keys of different slots cannot share a command on Redis Cluster.
    for (let start = 0; start < keys.length; start += 500) {
      await this.redis.run('delete features', (client) =>
        Promise.all(keys.slice(start, start + 500).map((key) => client.unlink(key))),
      );
    }
    return keys.length;
  }
}

interface ScriptClient {
  recsysUpsertItem(key: string, ...args: string[]): Promise<number>;
}
