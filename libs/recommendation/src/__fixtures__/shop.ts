/**
 * A small deterministic shop for the specs: 6 top-level categories × 60 items with decreasing
 * popularity, a trending item, new arrivals, co-visitation around the user's recent items, and rankers
 * that behave well or badly on purpose.
 */
import type { StoredHash, StoredUser } from '@recsys/features';
import { InMemoryRecommendationReader, type InMemoryReaderOptions } from '../in-memory-reader';
import type { Ranker, RankingInput } from '../ranker';

export const NOW = Date.parse('2026-11-28T12:00:00Z');
const DAY_MS = 86_400_000;

export const CATEGORIES = [
  'Shoes > Trail',
  'Books > Fiction',
  'Kitchen > Coffee',
  'Toys > Puzzles',
  'Garden > Tools',
  'Audio > Headphones',
] as const;

export const ITEMS_PER_CATEGORY = 60;

/** `<category index>-<n>`, e.g. `c0-7` is the 8th most popular trail shoe. */
export const itemIdOf = (category: number, index: number) => `c${category}-${index}`;

export function itemHash(category: string, title: string, extra: StoredHash = {}): StoredHash {
  return {
    title,
    cat: category,
    price: '20',
    cur: 'EUR',
    avail: 'in_stock',
    'n:view': '10',
    ...extra,
  };
}

export const USER = 'u_1';
export const recentItems = [itemIdOf(0, 50), itemIdOf(1, 50)];

export const activeUser: StoredUser = {
  profile: { 'n:view': '12', last: String(NOW - 60_000), first: String(NOW - 30 * DAY_MS) },
  categoryAffinity: { 'Shoes > Trail': '10', 'Books > Fiction': '2' },
  brandAffinity: {},
  sequence: [...recentItems, itemIdOf(2, 40)],
};

/** The shop: `c*-*` catalogue, `trend-1` growing today, `new-1..5` new arrivals. */
export function shop(options: InMemoryReaderOptions = {}): InMemoryRecommendationReader {
  const reader = new InMemoryRecommendationReader(options);
  CATEGORIES.forEach((category, c) => {
    for (let index = 0; index < ITEMS_PER_CATEGORY; index += 1) {
      const itemId = itemIdOf(c, index);
      reader.setItem(itemId, itemHash(category, `${category.split(' > ')[1]} ${index}`));
      reader.addPopularity(itemId, 1000 - index * 10 - c, NOW - 10 * DAY_MS);
      reader.addPopularity(itemId, 1, NOW);
    }
  });
  reader.setItem('trend-1', itemHash('Toys > Puzzles', 'Viral Puzzle'));
  reader.addPopularity('trend-1', 40, NOW);
  for (let n = 1; n <= 5; n += 1)
    reader.setItem(`new-${n}`, itemHash('Garden > Tools', `New Tool ${n}`), NOW - n * 60_000);
  reader.addCoVisitation(recentItems[0]!, 'cv-1', 9);
  reader.addCoVisitation(recentItems[0]!, 'cv-2', 3);
  reader.addCoVisitation(recentItems[1]!, 'cv-3', 5);
  for (const id of ['cv-1', 'cv-2', 'cv-3'])
    reader.setItem(id, itemHash('Audio > Headphones', `Headphone ${id}`));
  return reader.setUser(USER, activeUser);
}

/** Scores every candidate with `scoreOf`; records what it was asked. */
export class FunctionRanker implements Ranker {
  readonly kind = 'test';
  readonly version = 'fn@1';
  readonly inputs: RankingInput[] = [];

  constructor(
    private readonly scoreOf: (
      itemId: string,
      features: Readonly<Record<string, number>>,
    ) => number,
  ) {}

  async score(input: RankingInput): Promise<Float32Array> {
    this.inputs.push(input);
    return Float32Array.from(input.candidates.map((c) => this.scoreOf(c.itemId, c.features)));
  }
}

/** A ranker that fails in a chosen way. */
export function brokenRanker(how: 'throws' | 'rejects' | 'hangs' | 'short'): Ranker {
  return {
    kind: 'broken',
    version: how,
    score: (input) => {
      if (how === 'throws') throw new Error('model not loaded');
      if (how === 'rejects') return Promise.reject(new Error('backend failure'));
      if (how === 'hangs') return new Promise<Float32Array>(() => undefined);
      return Promise.resolve(new Float32Array(Math.max(0, input.candidates.length - 1)));
    },
  };
}

/** A clock frozen at `NOW` (timings are then 0). */
export const frozenClock = { now: () => NOW };
