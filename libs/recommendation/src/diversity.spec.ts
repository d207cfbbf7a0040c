import { categoryCap, diversify } from './diversity';

const entries = (spec: string) =>
  spec.split(' ').map((token, index) => ({
    id: `${token}${index}`,
    category: token === '-' ? undefined : token,
  }));
const categoryOf = (entry: { category: string | undefined }) => entry.category;
const ids = (list: Array<{ id: string }>) => list.map((entry) => entry.id);

describe('categoryCap', () => {
  it('is the share of k, at least one', () => {
    expect(categoryCap({ k: 10, maxCategoryShare: 0.3 })).toBe(3);
    expect(categoryCap({ k: 2, maxCategoryShare: 0.3 })).toBe(1);
    expect(categoryCap({ k: 10, maxCategoryShare: 1 })).toBe(10);
  });
});

describe('diversify', () => {
  it('skips items of a full category and takes the next ones', () => {
    const result = diversify(entries('A A A B A C'), categoryOf, { k: 4, maxCategoryShare: 0.5 });
    expect(ids(result)).toEqual(['A0', 'A1', 'B3', 'C5']);
  });

  it('backfills with the skipped items, in order, when too few categories remain', () => {
    const result = diversify(entries('A A A A B'), categoryOf, { k: 4, maxCategoryShare: 0.25 });
    expect(ids(result)).toEqual(['A0', 'B4', 'A1', 'A2']);
  });

  it('always keeps the top item first', () => {
    const result = diversify(entries('A B B B'), categoryOf, { k: 3, maxCategoryShare: 0.01 });
    expect(result[0]?.id).toBe('A0');
  });

  it('never caps items without a category', () => {
    const result = diversify(entries('- - - A'), categoryOf, { k: 4, maxCategoryShare: 0.25 });
    expect(ids(result)).toEqual(['-0', '-1', '-2', 'A3']);
  });

  it('returns at most k items and at most the input', () => {
    expect(diversify(entries('A B C D'), categoryOf, { k: 2, maxCategoryShare: 1 })).toHaveLength(
      2,
    );
    expect(diversify(entries('A'), categoryOf, { k: 5, maxCategoryShare: 1 })).toHaveLength(1);
  });
});
