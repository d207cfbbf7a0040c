import {
  explanationOf,
  interestExplanation,
  MAX_EXPLANATION_LENGTH,
  shorten,
} from './explanations';

const titles = new Map([
  ['trail-2', 'Trail Runner 2'],
  ['long', 'Ultra '.repeat(200)],
  ['messy', '  Trail\nRunner\t 3  '],
]);
const titleOf = (itemId: string) => titles.get(itemId);

describe('explanationOf', () => {
  it.each([
    [{ source: 'co_visitation', anchorItemId: 'trail-2' }, 'Viewed together with Trail Runner 2'],
    [{ source: 'co_visitation', anchorItemId: 'messy' }, 'Viewed together with Trail Runner 3'],
    [
      { source: 'co_visitation', anchorItemId: 'unknown' },
      'Viewed together with an item you viewed',
    ],
    [{ source: 'category_affinity', category: 'Shoes > Running' }, 'Popular in Running'],
    [{ source: 'context_category', category: 'Books' }, 'Popular in Books'],
    [{ source: 'trending', growth: 4 }, 'Trending today'],
    [{ source: 'exploration' }, 'New arrival'],
    [{ source: 'popular' }, 'Popular right now'],
  ] as const)('%j → %s', (evidence, text) => {
    expect(explanationOf(evidence, titleOf)).toBe(text);
  });

  it('shortens long titles so the reason stays short', () => {
    const text = explanationOf({ source: 'co_visitation', anchorItemId: 'long' }, titleOf);
    expect(text.length).toBeLessThanOrEqual(MAX_EXPLANATION_LENGTH);
    expect(text.length).toBeLessThanOrEqual(120);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('interestExplanation', () => {
  it('names the category the shopper reads', () => {
    expect(interestExplanation('Shoes > Trail')).toBe('Matches your interest in Trail');
  });
});

describe('shorten', () => {
  it('keeps short text, cleans control characters and whitespace', () => {
    expect(shorten('a\u0000b  c', 10)).toBe('a b c');
  });

  it('never splits a surrogate pair and never exceeds the limit in UTF-16 units', () => {
    const text = shorten('😀'.repeat(300), MAX_EXPLANATION_LENGTH);
    expect(text.length).toBeLessThanOrEqual(MAX_EXPLANATION_LENGTH);
    expect(text.endsWith('😀…')).toBe(true);
  });
});
