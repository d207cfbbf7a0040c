import { InMemoryRecommendationReader } from './in-memory-reader';
import { withItemCache } from './item-cache';
import type { RecommendationReader } from './reader';

function countingReader(): { reader: RecommendationReader; reads: string[][] } {
  const reads: string[][] = [];
  const reader = {
    readItems: async (ids: readonly string[]) => {
      reads.push([...ids]);
      return new Map(ids.map((id) => [id, { title: `item ${id}` }]));
    },
    readUser: async () => ({ profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [] }),
  } as unknown as RecommendationReader;
  return { reader, reads };
}

describe('withItemCache', () => {
  it('reads each item once within the TTL and again after it', async () => {
    let now = 1_000;
    const { reader, reads } = countingReader();
    const cached = withItemCache(reader, { ttlMs: 500, clock: { now: () => now } });
    expect((await cached.readItems(['a', 'b'])).get('a')).toEqual({ title: 'item a' });
    await cached.readItems(['a', 'b', 'c']);
    expect(reads).toEqual([['a', 'b'], ['c']]);
    now += 501;
    await cached.readItems(['a']);
    expect(reads).toEqual([['a', 'b'], ['c'], ['a']]);
  });

  it('keeps at most maxEntries, and passes every other read through uncached', async () => {
    const { reader, reads } = countingReader();
    const cached = withItemCache(reader, { ttlMs: 10_000, maxEntries: 2 });
    await cached.readItems(['a', 'b', 'c']);
    await cached.readItems(['a']);
    expect(reads.at(-1)).toEqual(['a']);
    await cached.readUser('u1');
    await cached.readUser('u1');
    expect(reads).toHaveLength(2);
  });

  it('returns the reader itself when caching is off', () => {
    const reader = new InMemoryRecommendationReader();
    expect(withItemCache(reader, { ttlMs: 0 })).toBe(reader);
  });
});
