/**
 * What a preprocessor knows of items between batches, so a batch does not read every item it touches:
 * - an item's hash, reused for `hashTtlMs` (its features in training snapshots are then at most that
 *   much older than the batch — older, never newer, so an example still cannot see its own outcome);
 * - the offset of each of its own sources the item's guard holds: only this owner moves it, so it is
 *   known after each flush, and a flush that failed (another writer moved it, or Redis did not answer)
 *   forgets it.
 * Both are bounded: a map that outgrows `maxEntries` starts over.
 */
import { guardFields, type ItemFacts, type StoredHash } from '@recsys/features';
import { featureKeys } from '../keys';
import type { RedisConnection } from '../redis-connection';

export interface ItemFactsCacheSettings {
  /** @default 1000 */
  hashTtlMs: number;
  /** @default 200000 */
  maxEntries: number;
}

export const defaultItemFactsCacheSettings: ItemFactsCacheSettings = {
  hashTtlMs: 1_000,
  maxEntries: 200_000,
};

export class ItemFactsCache {
  private readonly hashes = new Map<string, { stored: StoredHash; readAtMs: number }>();
  /** `<source>|<itemId>` → offset of the source the item's guard holds (-1: none). */
  private readonly offsets = new Map<string, bigint>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly settings: ItemFactsCacheSettings = defaultItemFactsCacheSettings,
  ) {}

  /** Facts of `full` items (hash and offset) and `guardOnly` ones (offset; empty hash), read on a miss. */
  async factsOf(
    source: string,
    items: { full: readonly string[]; guardOnly?: readonly string[] },
  ): Promise<Map<string, ItemFacts>> {
    const now = Date.now();
    const full = new Set(items.full);
    const ids = [...full, ...(items.guardOnly ?? []).filter((itemId) => !full.has(itemId))];
    const staleHashes = [...full].filter(
      (itemId) =>
        !(now - (this.hashes.get(itemId)?.readAtMs ?? -Infinity) <= this.settings.hashTtlMs),
    );
    const unknownOffsets = ids.filter((itemId) => !this.offsets.has(offsetKey(source, itemId)));
    await Promise.all([
      this.readHashes(staleHashes, now),
      this.readOffsets(source, unknownOffsets),
    ]);
    return new Map(
      ids.map((itemId) => [
        itemId,
        {
          stored: full.has(itemId) ? (this.hashes.get(itemId)?.stored ?? {}) : {},
          appliedOffset: this.offsets.get(offsetKey(source, itemId)) ?? -1n,
        },
      ]),
    );
  }

  /** The items' guards now hold `offset` for `source` (their flush was applied). */
  applied(source: string, itemIds: Iterable<string>, offset: bigint): void {
    for (const itemId of itemIds) this.offsets.set(offsetKey(source, itemId), offset);
    bound(this.offsets, this.settings.maxEntries);
  }

  /** Another writer moved these items' guards: read them again next time. */
  forget(source: string, itemIds: Iterable<string>): void {
    for (const itemId of itemIds) {
      this.offsets.delete(offsetKey(source, itemId));
      this.hashes.delete(itemId);
    }
  }

  /** Everything: the store may have lost writes this cache saw applied. */
  clear(): void {
    this.offsets.clear();
    this.hashes.clear();
  }

  private async readHashes(itemIds: readonly string[], now: number): Promise<void> {
    if (itemIds.length === 0) return;
    const hashes = await this.redis.readGroups(
      'read items',
      itemIds.map((itemId) => [['hgetall', featureKeys.item(itemId)]]),
    );
    itemIds.forEach((itemId, index) =>
      this.hashes.set(itemId, { stored: (hashes[index]![0] as StoredHash) ?? {}, readAtMs: now }),
    );
    bound(this.hashes, this.settings.maxEntries);
  }

  private async readOffsets(source: string, itemIds: readonly string[]): Promise<void> {
    if (itemIds.length === 0) return;
    const field = guardFields.offset(source);
    const offsets = await this.redis.readGroups(
      'read item guards',
      itemIds.map((itemId) => [['hget', featureKeys.itemGuard(itemId), field]]),
    );
    itemIds.forEach((itemId, index) => {
      const offset = offsets[index]![0] as string | null;
      this.offsets.set(offsetKey(source, itemId), offset == null ? -1n : BigInt(offset));
    });
  }
}

function offsetKey(source: string, itemId: string): string {
  return `${source}|${itemId}`;
}

function bound(map: Map<string, unknown>, maxEntries: number): void {
  if (map.size > maxEntries) map.clear();
}
