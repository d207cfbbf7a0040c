/**
 * The feature store on Redis (layout: ../FORMAT.md): applies update plans atomically and at most once,
 * upserts catalogue items last-write-wins, and reads features back for serving and for tests.
 */
import type { ItemUpsertedV1 } from '@recsys/contracts';
import {
  CATEGORY_SEPARATOR,
  type FeatureSnapshot,
  type QualityCounts,
  interactionWeight,
  type StoredHash,
  type StoredUser,
  type UpdatePlan,
} from '@recsys/features';
import { APPLY_BATCH_LUA, UPSERT_ITEM_LUA } from './lua/apply-batch.lua';
import { featureKeys, utcDay } from './keys';
import { toLuaJson } from './lua-json';
import { ErasureSubjects } from './privacy/erasure-subjects';
import { privacyKeys } from './privacy/privacy-keys';
import { readItemHashes, readStoredUser, scoredPairs } from './reads';
import type { RedisConnection } from './redis-connection';

export interface FeatureStoreSettings {
  /** @default 2592000 (30 days) */
  dedupeTtlSeconds: number;
  /** @default 7776000 (90 days) */
  userTtlSeconds: number;
  /** Negative items sampled per labelled event snapshot. @default 4 */
  negativeSamples: number;
  /**
   * PRIVACY_TOMBSTONE_SECRET: keys the erasure subjects the apply script looks tombstones up by (the
   * same secret in every service). @default undefined (unkeyed: development only)
   */
  tombstoneSecret?: string;
}

export const defaultFeatureStoreSettings: FeatureStoreSettings = {
  dedupeTtlSeconds: 30 * 86_400,
  userTtlSeconds: 90 * 86_400,
  negativeSamples: 4,
};

export interface BatchToApply {
  /** `receivedAtMs`: when the collector accepted the event (an erasure covers what it received before). */
  plans: Array<{ plan: UpdatePlan; offset?: string; receivedAtMs?: number }>;
  /** `<group>:<topic>:<partition>` whose offset is stored with the batch. */
  offsetKey?: string;
  lastOffset?: string;
  quality?: { windowStartMs: number; counts: Partial<QualityCounts> };
}

/** State captured just before a labelled event was applied. */
export type Snapshot = FeatureSnapshot;

export type ApplyOutcome =
  | { status: 'applied'; snapshot?: Snapshot }
  | { status: 'duplicate' }
  | { status: 'already_applied' }
  /** The user was erased: the event is part of the erased history (or consent is refused since). */
  | { status: 'erased' };

type RawItems = Array<[string, string[]]>;
type RawSnapshot = [string[], string[], string[], string[], RawItems, RawItems];
type RawResult = ['a', RawSnapshot?] | ['d'] | ['o'] | ['e'];

export class FeatureStore {
  /** Names users by erasure subject: the apply script checks each event's tombstone. */
  readonly subjects: ErasureSubjects;

  constructor(
    private readonly redis: RedisConnection,
    private readonly settings: FeatureStoreSettings = defaultFeatureStoreSettings,
  ) {
    this.subjects = new ErasureSubjects(settings.tombstoneSecret);
    redis.client.defineCommand('recsysApplyBatch', { numberOfKeys: 0, lua: APPLY_BATCH_LUA });
    redis.client.defineCommand('recsysUpsertItem', { numberOfKeys: 2, lua: UPSERT_ITEM_LUA });
  }

  /** Applies a batch in one atomic script run; returns one outcome per plan, in order. */
  async apply(batch: BatchToApply): Promise<ApplyOutcome[]> {
    if (batch.plans.length === 0 && batch.quality === undefined) return [];
    const payload = toLuaJson({
      dedupeTtl: this.settings.dedupeTtlSeconds,
      userTtl: this.settings.userTtlSeconds,
      neg: this.settings.negativeSamples,
      offsetKey: batch.offsetKey,
      lastOffset: batch.lastOffset,
      dq: batch.quality
        ? { window: String(batch.quality.windowStartMs), counts: batch.quality.counts }
        : undefined,
      events: batch.plans.map((entry) => ({
        ...toScriptEvent(entry.plan, entry.offset),
        tk: this.subjects.subjectOf(entry.plan.userKey),
        rt: entry.receivedAtMs,
      })),
    });
    const prefix = `${this.redis.keyPrefix}${featureKeys.root}`;
    const tombstones = `${this.redis.keyPrefix}${privacyKeys.tombstone('')}`;
    const raw = (await this.redis.run('apply feature batch', (client) =>
      (client as unknown as ScriptClient).recsysApplyBatch(prefix, payload, tombstones),
    )) as RawResult[];
    return raw.map(toOutcome);
  }

  /** Writes a catalogue item unless the stored one is as new or newer; true when written. */
  async upsertItem(item: ItemUpsertedV1): Promise<boolean> {
    const written = await this.redis.run('upsert item', (client) =>
      (client as unknown as ScriptClient).recsysUpsertItem(
        featureKeys.item(item.itemId),
        featureKeys.newItems(),
        String(Date.parse(item.updatedAt)),
        item.title,
        item.categoryPath.join(CATEGORY_SEPARATOR),
        String(item.price),
        item.currency.toUpperCase(),
        item.availability,
        item.brand ?? '',
        item.itemId,
      ),
    );
    return written === 1;
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

  async popular(limit: number, dayMs?: number): Promise<Array<{ itemId: string; weight: number }>> {
    const key =
      dayMs === undefined ? featureKeys.popularity() : featureKeys.popularityOfDay(utcDay(dayMs));
    return scoredPairs(
      await this.redis.run('read popularity', (client) =>
        client.zrevrange(key, 0, limit - 1, 'WITHSCORES'),
      ),
    );
  }

  async storedOffset(offsetKey: string): Promise<string | undefined> {
    const value = await this.redis.run('read offset', (client) =>
      client.get(featureKeys.storedOffset(offsetKey)),
    );
    return value ?? undefined;
  }

  async qualityWindow(windowStartMs: number): Promise<QualityCounts> {
    const hash = await this.redis.run('read quality', (client) =>
      client.hgetall(featureKeys.qualityWindow(windowStartMs)),
    );
    const read = (field: keyof QualityCounts) => Number(hash[field] ?? 0);
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
    for (let start = 0; start < keys.length; start += 500) {
      await this.redis.run('delete features', (client) =>
        client.unlink(...keys.slice(start, start + 500)),
      );
    }
    return keys.length;
  }
}

interface ScriptClient {
  recsysApplyBatch(prefix: string, payload: string, tombstones: string): Promise<unknown>;
  recsysUpsertItem(key: string, ...args: string[]): Promise<number>;
}

function toScriptEvent(plan: UpdatePlan, offset: string | undefined): Record<string, unknown> {
  return {
    id: plan.eventId,
    u: plan.userKey,
    s: plan.sessionId,
    ts: plan.timestampMs,
    day: utcDay(plan.timestampMs),
    b: plan.behaviour,
    w: interactionWeight(plan.interaction),
    items: plan.items.map((item) =>
      item.price === undefined ? { i: item.itemId } : { i: item.itemId, p: item.price },
    ),
    cat:
      plan.categoryPath && plan.categoryPath.length > 0
        ? plan.categoryPath.join(CATEGORY_SEPARATOR)
        : undefined,
    rev: plan.revenue,
    rat: plan.rating,
    req: plan.requestId,
    snap: plan.snapshot || undefined,
    pz: plan.personalization,
    o: offset,
  };
}

function toOutcome(raw: RawResult): ApplyOutcome {
  if (raw[0] === 'd') return { status: 'duplicate' };
  if (raw[0] === 'o') return { status: 'already_applied' };
  if (raw[0] === 'e') return { status: 'erased' };
  const captured = raw[1];
  if (captured === undefined) return { status: 'applied' };
  const [profile, categories, brands, sequence, items, negatives] = captured;
  return {
    status: 'applied',
    snapshot: {
      user: {
        profile: hashOf(profile),
        categoryAffinity: hashOf(categories),
        brandAffinity: hashOf(brands),
        sequence,
      },
      items: items.map(([itemId, flat]) => ({ itemId, stored: hashOf(flat) })),
      negatives: negatives.map(([itemId, flat]) => ({ itemId, stored: hashOf(flat) })),
    },
  };
}

function hashOf(flat: string[]): StoredHash {
  const hash: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) hash[flat[index]!] = flat[index + 1]!;
  return hash;
}
