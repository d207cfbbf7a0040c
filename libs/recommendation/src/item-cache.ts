/**
 * A short-lived cache of item hashes in front of a RecommendationReader. A recommendation reads a few
 * hundred item hashes, mostly the same popular and trending items for every shopper; keeping them for
 * about a second removes most of that traffic while item features stay at most `ttlMs` old (well inside
 * the platform's 2 s event → recommendation freshness target). User data is never cached.
 */
import type { StoredHash } from '@recsys/features';
import { systemClock, type Clock, type RecommendationReader } from './reader';

export interface ItemCacheOptions {
  /** How long a read item hash is reused. */
  ttlMs: number;
  /** Most items kept; the oldest entries leave first. @default 20000 */
  maxEntries?: number;
  clock?: Clock;
}

interface Entry {
  hash: StoredHash;
  expiresAtMs: number;
}

export function withItemCache(
  reader: RecommendationReader,
  options: ItemCacheOptions,
): RecommendationReader {
  if (options.ttlMs <= 0) return reader;
  const clock = options.clock ?? systemClock;
  const maxEntries = options.maxEntries ?? 20_000;
  const entries = new Map<string, Entry>();
  const readItems = async (itemIds: readonly string[]) => {
    const now = clock.now();
    const result = new Map<string, StoredHash>();
    const missing: string[] = [];
    for (const itemId of itemIds) {
      const entry = entries.get(itemId);
      if (entry !== undefined && entry.expiresAtMs > now) result.set(itemId, entry.hash);
      else missing.push(itemId);
    }
    if (missing.length === 0) return result;
    const fresh = await reader.readItems(missing);
    for (const [itemId, hash] of fresh) {
      result.set(itemId, hash);
      entries.delete(itemId);
      entries.set(itemId, { hash, expiresAtMs: now + options.ttlMs });
    }
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    return result;
  };
  return Object.assign(Object.create(reader) as RecommendationReader, { readItems });
}
