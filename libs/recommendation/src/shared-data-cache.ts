/**
 * A short-lived cache of the data every shopper's recommendation reads alike, in front of a
 * RecommendationReader: item hashes, the global lists (popular, today's popular, newest), co-visitation
 * neighbours and category lists. A recommendation reads a few hundred of these, mostly the same popular
 * items and lists for every shopper; keeping them for about a second removes most of that traffic (and
 * its parsing, which dominated the scorer's CPU) while they stay at most `ttlMs` old — well inside the
 * platform's 2 s event → recommendation freshness target. User data is never cached.
 *
 * Entries hold the read's promise, so concurrent requests that miss the same key share one read
 * instead of each sending it; a failed read is forgotten at once (the next request reads again).
 */
import type { StoredHash } from '@recsys/features';
import {
  systemClock,
  type CandidateLists,
  type Clock,
  type ListsQuery,
  type RecommendationReader,
  type ScoredItem,
} from './reader';

export interface SharedDataCacheOptions {
  /** How long a read is reused; 0 turns the cache off. */
  ttlMs: number;
  /** Most entries kept per kind (items, neighbours, category lists); the oldest leave first. @default 20000 */
  maxEntries?: number;
  clock?: Clock;
}

const DAY_MS = 86_400_000;

/** A map of promises with an expiry, in insertion order, bounded. */
class ExpiringPromises<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expiresAtMs: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {}

  get(key: string): Promise<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs > this.clock.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: Promise<V>): void {
    const entry = { value, expiresAtMs: this.clock.now() + this.ttlMs };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // Forget a failed read, unless a newer one replaced it meanwhile.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries)
      this.entries.delete(this.entries.keys().next().value as string);
  }
}

/**
 * Reads `ids` through `cache`: cached ones from it, the others in one call of `read`. Ids the read
 * leaves out are left out of the result too.
 */
async function readThrough<V>(
  cache: ExpiringPromises<V | undefined>,
  keys: { ids: readonly string[]; keyOf: (id: string) => string },
  read: (missing: string[]) => Promise<ReadonlyMap<string, V>>,
): Promise<Map<string, V>> {
  const pending = new Map<string, Promise<V | undefined>>();
  const missing: string[] = [];
  for (const id of new Set(keys.ids)) {
    const cached = cache.get(keys.keyOf(id));
    if (cached !== undefined) pending.set(id, cached);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const batch = read(missing);
    for (const id of missing) {
      const value = batch.then((found) => found.get(id));
      cache.set(keys.keyOf(id), value);
      pending.set(id, value);
    }
  }
  const result = new Map<string, V>();
  for (const [id, value] of pending) {
    const resolved = await value;
    if (resolved !== undefined) result.set(id, resolved);
  }
  return result;
}

export function withSharedDataCache(
  reader: RecommendationReader,
  options: SharedDataCacheOptions,
): RecommendationReader {
  if (options.ttlMs <= 0) return reader;
  const clock = options.clock ?? systemClock;
  const cacheOf = <V>(maxEntries: number) =>
    new ExpiringPromises<V>(options.ttlMs, maxEntries, clock);
  const maxEntries = options.maxEntries ?? 20_000;
  const items = cacheOf<StoredHash | undefined>(maxEntries);
  const neighbours = cacheOf<readonly ScoredItem[] | undefined>(maxEntries);
  const categories = cacheOf<readonly ScoredItem[] | undefined>(maxEntries);
  // One entry per distinct query; the day of `today` is part of its key (not the request's time).
  const lists = cacheOf<CandidateLists>(16);

  const overrides: Partial<RecommendationReader> = {
    readItems: (itemIds) =>
      readThrough(items, { ids: itemIds, keyOf: (id) => id }, (missing) =>
        reader.readItems(missing),
      ),
    readNeighbours: (itemIds, perItem) =>
      readThrough(neighbours, { ids: itemIds, keyOf: (id) => `${perItem}\u0000${id}` }, (missing) =>
        reader.readNeighbours(missing, perItem),
      ),
    readLists: (query: ListsQuery) => {
      const day = Math.floor(query.today.dayMs / DAY_MS);
      const key = `${query.popular}:${query.newest}:${query.today.limit}:${day}`;
      const cached = lists.get(key);
      if (cached !== undefined) return cached;
      const read = reader.readLists(query);
      lists.set(key, read);
      return read;
    },
  };
  const readCategoryPopular = reader.readCategoryPopular?.bind(reader);
  if (readCategoryPopular !== undefined) {
    overrides.readCategoryPopular = (names, perCategory) =>
      readThrough(
        categories,
        { ids: names, keyOf: (name) => `${perCategory}\u0000${name}` },
        (missing) => readCategoryPopular(missing, perCategory),
      );
  }
  return Object.assign(Object.create(reader) as RecommendationReader, overrides);
}
