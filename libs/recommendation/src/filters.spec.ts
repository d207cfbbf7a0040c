import type { StoredHash } from '@recsys/features';
import { applyFilters, filterReasonOf, type FilterFacts } from './filters';
import { defaultRecommendationSettings } from './settings';

const settings = defaultRecommendationSettings;
const hash = (extra: Record<string, string> = {}) => ({
  title: 'T',
  cat: 'Food > Coffee',
  ...extra,
});

function facts(overrides: Partial<FilterFacts> = {}): FilterFacts {
  return {
    items: new Map<string, StoredHash>([
      ['ok', hash()],
      ['gone', hash({ avail: 'out_of_stock' })],
      ['dead', hash({ avail: 'discontinued' })],
      ['soon', hash({ avail: 'preorder' })],
      ['bought', hash({ cat: 'Shoes > Trail' })],
      ['beans', hash()],
      ['empty', {}],
    ]),
    excluded: new Set(),
    contextItems: new Set(),
    purchased: new Set(['bought', 'beans']),
    shown: new Map([
      ['ok', { shown: 2, clicked: 0 }],
      ['soon', { shown: 3, clicked: 0 }],
      ['beans', { shown: 9, clicked: 1 }],
    ]),
    ...overrides,
  };
}

describe('filterReasonOf', () => {
  it.each([
    ['ok', undefined],
    ['gone', 'unavailable'],
    ['dead', 'unavailable'],
    ['soon', 'over_shown'],
    ['bought', 'purchased'],
    ['beans', 'purchased'],
    ['empty', 'unknown_item'],
    ['missing', 'unknown_item'],
  ])('%s → %s', (itemId, reason) => {
    expect(filterReasonOf(itemId, facts(), settings)).toBe(reason);
  });

  it('lets purchased items of repurchasable categories through (prefix match on the path)', () => {
    const repurchasable = { ...settings, repurchasableCategories: ['Food'] };
    expect(filterReasonOf('beans', facts(), repurchasable)).toBeUndefined();
    expect(filterReasonOf('bought', facts(), repurchasable)).toBe('purchased');
    expect(
      filterReasonOf('beans', facts(), { ...settings, repurchasableCategories: ['Food > Tea'] }),
    ).toBe('purchased');
  });

  it('never hides an item the user clicked, however often it was shown', () => {
    const reader = facts({ purchased: new Set() });
    expect(filterReasonOf('beans', reader, settings)).toBeUndefined();
  });

  it('uses the configured number of showings', () => {
    expect(filterReasonOf('ok', facts(), { ...settings, maxShownWithoutClick: 2 })).toBe(
      'over_shown',
    );
  });

  it('refuses excluded and context items before anything else', () => {
    const given = facts({ excluded: new Set(['ok']), contextItems: new Set(['gone']) });
    expect(filterReasonOf('ok', given, settings)).toBe('excluded');
    expect(filterReasonOf('gone', given, settings)).toBe('context_item');
  });
});

describe('applyFilters', () => {
  it('keeps the allowed candidates in order and records why the others went', () => {
    const outcome = applyFilters(
      [{ itemId: 'gone' }, { itemId: 'ok' }, { itemId: 'bought' }, { itemId: 'beans' }],
      facts({ purchased: new Set(['bought']) }),
      settings,
    );
    expect(outcome.kept.map((candidate) => candidate.itemId)).toEqual(['ok', 'beans']);
    expect([...outcome.removed]).toEqual([
      ['gone', 'unavailable'],
      ['bought', 'purchased'],
    ]);
  });
});
