import type { StorefrontEvent } from '@recsys/contracts';
import {
  compareCounts,
  expectedCounts,
  storefrontEventAt,
  type FeatureCounts,
} from './feature-count-check';

const shape = {
  users: 5,
  items: 7,
  startMs: Date.UTC(2026, 0, 1),
  spacingMs: 1_000,
  idPrefix: 'x',
};
const events: StorefrontEvent[] = Array.from({ length: 200 }, (_, index) =>
  storefrontEventAt(shape, index),
);

function copy(counts: FeatureCounts): FeatureCounts {
  const clone = (map: FeatureCounts['users']) =>
    new Map([...map].map(([id, value]) => [id, { ...value }]));
  return { users: clone(counts.users), items: clone(counts.items), popularity: counts.popularity };
}

describe('the exactly-once check of the fault tests', () => {
  const expected = expectedCounts(events, 'secret-for-the-check-0123');

  it('counts views, carts and purchases per user and per item, and the popularity they add', () => {
    const perUser = [...expected.users.values()];
    const total = (key: 'view' | 'cart' | 'purchase') =>
      perUser.reduce((sum, counts) => sum + counts[key], 0);
    expect({ view: total('view'), cart: total('cart'), purchase: total('purchase') }).toEqual({
      view: 172,
      cart: 20,
      purchase: 8,
    });
    expect(expected.users.size).toBe(5);
    expect(expected.items.size).toBe(7);
    expect(expected.popularity).toBe(172 * 1 + 20 * 3 + 8 * 5);
  });

  it('finds nothing when the store holds exactly the ledger', () => {
    expect(compareCounts(expected, copy(expected))).toEqual({ lost: 0, doubled: 0, examples: [] });
  });

  it('sees one lost and one double-counted event, even when they cancel out in the totals', () => {
    const stored = copy(expected);
    const [first, second] = [...stored.users.values()];
    first!.view -= 1;
    second!.view += 1;
    const differences = compareCounts(expected, stored);
    expect(differences.lost).toBe(1);
    expect(differences.doubled).toBe(1);
    expect(differences.examples).toHaveLength(2);
  });

  it('sees popularity counted twice in a shard', () => {
    const stored = { ...copy(expected), popularity: expected.popularity + 3 };
    expect(compareCounts(expected, stored).examples).toEqual([
      'popularity over the shards: ledger 272, stored 275',
    ]);
  });
});
