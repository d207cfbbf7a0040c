import { availabilities } from '@recsys/contracts';
import fc from 'fast-check';
import { InMemoryRecommendationReader } from './in-memory-reader';
import type { Ranker } from './ranker';
import { recommend } from './recommend';
import { recommendationSettingsOf } from './settings';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const USER = 'u';
const itemIdArb = fc.integer({ min: 0, max: 39 }).map((n) => `i${n}`);

const worldArb = fc.record({
  items: fc.dictionary(
    itemIdArb,
    fc.record({
      top: fc.constantFrom('A', 'B', 'C', 'D'),
      avail: fc.option(fc.constantFrom(...availabilities), { nil: undefined }),
      firstSeen: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    }),
  ),
  popular: fc.array(fc.tuple(itemIdArb, fc.integer({ min: 1, max: 100 }), fc.boolean())),
  pairs: fc.array(fc.tuple(itemIdArb, itemIdArb, fc.integer({ min: 1, max: 9 }))),
  sequence: fc.array(itemIdArb, { maxLength: 8 }),
  affinity: fc.dictionary(
    fc.constantFrom('A', 'B', 'C > x', 'D'),
    fc.integer({ min: 1, max: 9 }).map(String),
  ),
  purchased: fc.array(itemIdArb, { maxLength: 6 }),
  shown: fc.array(fc.tuple(itemIdArb, fc.integer({ min: 1, max: 5 }), fc.boolean()), {
    maxLength: 10,
  }),
  exclude: fc.array(itemIdArb, { maxLength: 6 }),
  contextItems: fc.array(itemIdArb, { maxLength: 2 }),
  k: fc.integer({ min: 1, max: 20 }),
  personalization: fc.boolean(),
  seed: fc.string(),
  explorationShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
  maxCategoryShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
  rankerFails: fc.boolean(),
  categoryLists: fc.boolean(),
});
type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function readerOf(world: World): InMemoryRecommendationReader {
  const reader = new InMemoryRecommendationReader({ categoryLists: world.categoryLists });
  for (const [itemId, item] of Object.entries(world.items)) {
    const hash: Record<string, string> = { title: itemId, cat: `${item.top} > x` };
    if (item.avail !== undefined) hash['avail'] = item.avail;
    reader.setItem(itemId, hash, item.firstSeen === undefined ? undefined : NOW - item.firstSeen);
  }
  for (const [itemId, weight, today] of world.popular)
    reader.addPopularity(itemId, weight, today ? NOW : NOW - 5 * 86_400_000);
  for (const [a, b, weight] of world.pairs) if (a !== b) reader.addCoVisitation(a, b, weight);
  return withUser(reader, world);
}

function withUser(
  reader: InMemoryRecommendationReader,
  world: World,
): InMemoryRecommendationReader {
  reader.setUser(USER, {
    profile: {},
    categoryAffinity: world.affinity,
    brandAffinity: {},
    sequence: world.sequence,
  });
  for (const itemId of world.purchased) reader.recordPurchase(USER, itemId);
  for (const [itemId, times, clicked] of world.shown) {
    reader.recordShown(
      USER,
      Array.from({ length: times }, () => itemId),
    );
    if (clicked) reader.recordClick(USER, itemId);
  }
  return reader;
}

/** Items the answer must never contain. */
function forbidden(world: World, reader: InMemoryRecommendationReader): Promise<Set<string>> {
  return (async () => {
    const banned = new Set([...world.exclude, ...world.contextItems]);
    for (let n = 0; n < 40; n += 1) {
      const item = world.items[`i${n}`];
      if (item === undefined || item.avail === 'out_of_stock' || item.avail === 'discontinued')
        banned.add(`i${n}`);
    }
    if (!world.personalization) return banned;
    for (const itemId of world.purchased) banned.add(itemId);
    for (const [itemId, count] of await reader.readShownCounts(USER))
      if (count.clicked === 0 && count.shown >= 3) banned.add(itemId);
    return banned;
  })();
}

const hashRanker: Ranker = {
  kind: 'hash',
  version: '1',
  score: async ({ candidates }) =>
    Float32Array.from(
      candidates.map((c) => [...c.itemId].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 997, 7)),
    ),
};
const failingRanker: Ranker = {
  kind: 'fail',
  version: '1',
  score: () => Promise.reject(new Error('down')),
};

describe('recommend (property)', () => {
  it('never returns a filtered item or a duplicate, and at most k items, each explained', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const reader = readerOf(world);
        const banned = await forbidden(world, reader);
        const result = await recommend(
          {
            userKey: USER,
            k: world.k,
            personalization: world.personalization,
            seed: world.seed,
            exclude: world.exclude,
            context: { itemIds: world.contextItems },
          },
          {
            reader,
            ranker: world.rankerFails ? failingRanker : hashRanker,
            clock: { now: () => NOW },
            settings: recommendationSettingsOf({
              explorationShare: world.explorationShare,
              maxCategoryShare: world.maxCategoryShare,
            }),
          },
        );
        const ids = result.items.map((item) => item.itemId);
        expect(ids.filter((itemId) => banned.has(itemId))).toEqual([]);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBeLessThanOrEqual(world.k);
        expect(result.items.map((item) => item.rank)).toEqual(ids.map((_, index) => index));
        for (const item of result.items) {
          expect(Number.isFinite(item.score)).toBe(true);
          expect(item.explanation?.length ?? 0).toBeGreaterThan(0);
          expect(item.explanation?.length ?? 0).toBeLessThanOrEqual(256);
        }
        expect(result.degraded).toBe(world.rankerFails && result.candidatesConsidered > 0);
      }),
      { numRuns: 300 },
    );
  });
});
