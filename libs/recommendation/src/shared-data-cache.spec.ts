import { InMemoryRecommendationReader } from './in-memory-reader';
import type { RecommendationReader } from './reader';
import { withSharedDataCache } from './shared-data-cache';

const DAY = 86_400_000;

function storefront(): InMemoryRecommendationReader {
  return new InMemoryRecommendationReader()
    .setItem('a', { title: 'item a', cat: 'Shoes' })
    .setItem('b', { title: 'item b', cat: 'Shoes' })
    .setItem('c', { title: 'item c', cat: 'Bags' })
    .addPopularity('a', 5)
    .addPopularity('c', 2)
    .addCoVisitation('a', 'b', 3)
    .setUser('u1', {
      profile: { 'n:view': '1' },
      categoryAffinity: {},
      brandAffinity: {},
      sequence: ['a'],
    });
}

const methodsOf = (reader: InMemoryRecommendationReader) => reader.calls.map((call) => call.method);

describe('withSharedDataCache', () => {
  it('reads each item once within the TTL, only the missing ones, and again after it', async () => {
    let now = 1_000;
    const reader = storefront();
    const cached = withSharedDataCache(reader, { ttlMs: 500, clock: { now: () => now } });
    expect((await cached.readItems(['a', 'b'])).get('a')).toMatchObject({ title: 'item a' });
    await cached.readItems(['a', 'b', 'c']);
    expect(reader.calls).toEqual([
      { method: 'readItems', itemIds: ['a', 'b'] },
      { method: 'readItems', itemIds: ['c'] },
    ]);
    now += 501;
    await cached.readItems(['a']);
    expect(reader.calls.at(-1)).toEqual({ method: 'readItems', itemIds: ['a'] });
  });

  it('caches neighbours per item and depth, category lists per path and depth', async () => {
    const reader = storefront();
    const cached = withSharedDataCache(reader, { ttlMs: 10_000 });
    const first = await cached.readNeighbours(['a', 'c'], 5);
    expect(first.get('a')).toEqual([{ itemId: 'b', weight: 3 }]);
    expect(first.get('c')).toEqual([]);
    expect(await cached.readNeighbours(['a'], 5)).toEqual(new Map([['a', first.get('a')]]));
    await cached.readNeighbours(['a'], 2);
    expect((await cached.readCategoryPopular!(['Shoes'], 3)).get('Shoes')).toEqual([
      { itemId: 'a', weight: 5 },
    ]);
    await cached.readCategoryPopular!(['Shoes', 'Bags'], 3);
    expect(reader.calls).toEqual([
      { method: 'readNeighbours', itemIds: ['a', 'c'], perItem: 5 },
      { method: 'readNeighbours', itemIds: ['a'], perItem: 2 },
      { method: 'readCategoryPopular', categories: ['Shoes'], perCategory: 3 },
      { method: 'readCategoryPopular', categories: ['Bags'], perCategory: 3 },
    ]);
  });

  it('caches the global lists per query and UTC day, not per request time', async () => {
    const reader = storefront();
    const cached = withSharedDataCache(reader, { ttlMs: 10_000 });
    const query = (dayMs: number) => ({ popular: 10, today: { limit: 5, dayMs }, newest: 5 });
    const lists = await cached.readLists(query(3 * DAY + 10));
    expect(lists.popular.map((item) => item.itemId)).toEqual(['a', 'c']);
    await cached.readLists(query(3 * DAY + 5_000));
    await cached.readLists(query(4 * DAY + 1));
    await cached.readLists({ ...query(4 * DAY + 1), popular: 20 });
    expect(methodsOf(reader)).toEqual(['readLists', 'readLists', 'readLists']);
  });

  it('shares one read between concurrent requests that miss the same keys', async () => {
    const reader = storefront();
    const cached = withSharedDataCache(reader, { ttlMs: 10_000 });
    await Promise.all([
      cached.readItems(['a', 'b']),
      cached.readItems(['b', 'a']),
      cached.readLists({ popular: 10, today: { limit: 5, dayMs: 0 }, newest: 5 }),
      cached.readLists({ popular: 10, today: { limit: 5, dayMs: 0 }, newest: 5 }),
    ]);
    expect(methodsOf(reader)).toEqual(['readItems', 'readLists']);
  });

  it('never caches user data', async () => {
    const reader = storefront();
    const cached = withSharedDataCache(reader, { ttlMs: 10_000 });
    await cached.readUser('u1');
    await cached.readUser('u1');
    await cached.readShownCounts('u1');
    await cached.readShownCounts('u1');
    await cached.readPurchased('u1');
    await cached.readPurchased('u1');
    expect(methodsOf(reader)).toEqual([
      'readUser',
      'readUser',
      'readShownCounts',
      'readShownCounts',
      'readPurchased',
      'readPurchased',
    ]);
  });

  it('forgets a failed read, so the next request reads again', async () => {
    let failures = 1;
    const reads: string[][] = [];
    const flaky = {
      readItems: async (ids: readonly string[]) => {
        reads.push([...ids]);
        if (failures-- > 0) throw new Error('redis away');
        return new Map(ids.map((id) => [id, { title: id }]));
      },
    } as unknown as RecommendationReader;
    const cached = withSharedDataCache(flaky, { ttlMs: 10_000 });
    await expect(cached.readItems(['a', 'b'])).rejects.toThrow('redis away');
    expect(await cached.readItems(['a'])).toEqual(new Map([['a', { title: 'a' }]]));
    expect(reads).toEqual([['a', 'b'], ['a']]);
  });

  it('keeps at most maxEntries per kind, oldest out first', async () => {
    const reader = storefront();
    const cached = withSharedDataCache(reader, { ttlMs: 10_000, maxEntries: 2 });
    await cached.readItems(['a', 'b', 'c']);
    await cached.readItems(['b', 'c']);
    await cached.readItems(['a']);
    expect(reader.calls).toEqual([
      { method: 'readItems', itemIds: ['a', 'b', 'c'] },
      { method: 'readItems', itemIds: ['a'] },
    ]);
  });

  it('leaves a reader without category lists without them, and is the reader itself when off', () => {
    const plain = new InMemoryRecommendationReader({ categoryLists: false });
    expect(withSharedDataCache(plain, { ttlMs: 1_000 }).readCategoryPopular).toBeUndefined();
    expect(withSharedDataCache(plain, { ttlMs: 0 })).toBe(plain);
  });
});
