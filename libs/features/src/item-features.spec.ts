import { decayedTerm } from './forward-decay';
import { decodeItemFeatures } from './item-features';

const HOUR = 3_600_000;
/** A decayed counter as stored: `count` events at `atMs`. */
const decayed = (window: '1h' | '24h', count: number, atMs: number) => {
  const term = decayedTerm({ behaviour: 'view', window }, atMs, count);
  return { [term.field]: String(term.weight) };
};

describe('decodeItemFeatures', () => {
  const hash = {
    'n:view': '120',
    'n:purchase': '3',
    ...decayed('1h', 10, HOUR),
    ...decayed('24h', 48, HOUR),
    price: '19.5',
    cat: 'Shoes > Running',
    rating_n: '4',
    rating_sum: '18',
  };

  it('decodes counts, conversion, catalogue fields and decays views to the read time', () => {
    const features = decodeItemFeatures('sku-1', hash, 2 * HOUR);
    expect(features).toMatchObject({
      itemId: 'sku-1',
      known: true,
      price: 19.5,
      categoryPath: ['Shoes', 'Running'],
      ratingMean: 4.5,
      ratingCount: 4,
    });
    expect(features.counts.view).toBe(120);
    expect(features.conversionRate).toBeCloseTo((3 + 0.02 * 50) / (120 + 50), 12);
    expect(features.viewsLastHour).toBeCloseTo(10 * Math.exp(-1), 12);
    expect(features.viewsLastDay).toBeCloseTo(48 * Math.exp(-1 / 24), 12);
  });

  it('decays again at every read of the same hash object (only timeless facts are reused)', () => {
    const first = decodeItemFeatures('sku-1', hash, HOUR);
    const later = decodeItemFeatures('sku-1', hash, 3 * HOUR);
    expect(first.viewsLastHour).toBeCloseTo(10, 12);
    expect(later.viewsLastHour).toBeCloseTo(10 * Math.exp(-2), 12);
    expect(later.popularityTrend).toBeLessThan(first.popularityTrend);
    expect(later.counts).toBe(first.counts);
  });

  it('reads a newer hash object of the same item afresh, and never lets a caller change the shared facts', () => {
    const before = decodeItemFeatures('sku-1', hash, HOUR);
    const after = decodeItemFeatures('sku-1', { ...hash, 'n:view': '121' }, HOUR);
    expect(after.counts.view).toBe(121);
    expect(before.counts.view).toBe(120);
    expect(() => {
      (before.counts as { view: number }).view = 0;
    }).toThrow(TypeError);
    expect(() => before.categoryPath.push('x')).toThrow(TypeError);
  });

  it('treats an empty hash as an unknown item and unparsable numbers as 0', () => {
    expect(decodeItemFeatures('sku-2', {}, HOUR)).toMatchObject({ known: false, price: undefined });
    const odd = decodeItemFeatures(
      'sku-3',
      { 'n:view': 'NaN', [decayedTerm({ behaviour: 'view', window: '1h' }, HOUR).field]: 'x' },
      HOUR,
    );
    expect(odd.counts.view).toBe(0);
    expect(odd.viewsLastHour).toBe(0);
  });
});
