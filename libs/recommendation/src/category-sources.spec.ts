import type { StoredHash } from '@recsys/features';
import { categoryHits, categoryLabel, isInCategory, listedCategoryHits } from './category-sources';

describe('isInCategory', () => {
  it('matches the category and everything below it, by whole segments', () => {
    expect(isInCategory(['Shoes', 'Trail', 'Kids'], 'Shoes > Trail')).toBe(true);
    expect(isInCategory(['Shoes', 'Trail'], 'Shoes > Trail')).toBe(true);
    expect(isInCategory(['Shoes'], 'Shoes > Trail')).toBe(false);
    expect(isInCategory(['Shoes', 'Trailers'], 'Shoes > Trail')).toBe(false);
  });

  it('labels a category by its last segment', () => {
    expect(categoryLabel('Shoes > Trail')).toBe('Trail');
    expect(categoryLabel('Books')).toBe('Books');
  });
});

describe('categoryHits', () => {
  const items = new Map<string, StoredHash>([
    ['s1', { cat: 'Shoes > Trail' }],
    ['s2', { cat: 'Shoes > Trail > Kids' }],
    ['s3', { cat: 'Shoes > Trail' }],
    ['b1', { cat: 'Books' }],
    ['x', {}],
  ]);
  const popular = [
    { itemId: 'b1', weight: 1000 },
    { itemId: 'x', weight: 900 },
    { itemId: 's1', weight: 40 },
    { itemId: 's2', weight: 20 },
    { itemId: 's3', weight: 10 },
  ];

  it('takes each category best sellers, scored within the category', () => {
    const hits = categoryHits(
      { categories: [{ name: 'Shoes > Trail', score: 1 }], popular, items, limit: 2 },
      'category_affinity',
    );
    expect(hits).toEqual([
      {
        itemId: 's1',
        score: 1,
        evidence: { source: 'category_affinity', category: 'Shoes > Trail' },
      },
      {
        itemId: 's2',
        score: 0.5,
        evidence: { source: 'category_affinity', category: 'Shoes > Trail' },
      },
    ]);
  });

  it('scales by the category weight and skips categories without weight', () => {
    const hits = categoryHits(
      {
        categories: [
          { name: 'Books', score: 0.5 },
          { name: 'Shoes', score: 0 },
        ],
        popular,
        items,
        limit: 5,
      },
      'context_category',
    );
    expect(hits).toEqual([
      { itemId: 'b1', score: 0.5, evidence: { source: 'context_category', category: 'Books' } },
    ]);
  });
});

describe('listedCategoryHits', () => {
  it('scores the store lists like the derived ones, within the limit', () => {
    const hits = listedCategoryHits(
      {
        categories: [
          { name: 'Books', score: 0.5 },
          { name: 'Toys', score: 1 },
        ],
        lists: new Map([
          [
            'Books',
            [
              { itemId: 'b1', weight: 8 },
              { itemId: 'b2', weight: 4 },
              { itemId: 'b3', weight: 2 },
            ],
          ],
        ]),
        limit: 2,
      },
      'category_affinity',
    );
    expect(hits.map((hit) => [hit.itemId, hit.score])).toEqual([
      ['b1', 0.5],
      ['b2', 0.25],
    ]);
  });
});
