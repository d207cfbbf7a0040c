import { contextOf } from './context-features';
import { contextFeatureVector, featureVectorOf } from './feature-vector';
import { decodeItemFeatures } from './item-features';
import { decodeUserFeatures } from './user-features';

const NOW = Date.parse('2026-11-28T12:00:00Z');

describe('contextOf', () => {
  it('uses the shopper time zone when given, else UTC', () => {
    const timestamp = '2026-11-28T23:30:00Z'; // a Saturday in UTC
    expect(contextOf({ timestamp })).toEqual({ hourOfDay: 23, dayOfWeek: 6, device: 'other' });
    expect(
      contextOf({ timestamp, context: { timeZone: 'Europe/Berlin', device: { type: 'mobile' } } }),
    ).toEqual({
      hourOfDay: 0,
      dayOfWeek: 0,
      device: 'mobile',
    });
    expect(contextOf({ timestamp, context: { timeZone: 'Not/AZone' } }).hourOfDay).toBe(23);
  });

  it('encodes hours cyclically so 23:00 is next to 00:00', () => {
    const late = contextFeatureVector({ hourOfDay: 23, dayOfWeek: 0, device: 'desktop' });
    const midnight = contextFeatureVector({ hourOfDay: 0, dayOfWeek: 0, device: 'desktop' });
    const noon = contextFeatureVector({ hourOfDay: 12, dayOfWeek: 0, device: 'desktop' });
    const distance = (a: Record<string, number>, b: Record<string, number>) =>
      Math.hypot(
        a['context.hour_sin']! - b['context.hour_sin']!,
        a['context.hour_cos']! - b['context.hour_cos']!,
      );
    expect(distance(late, midnight)).toBeLessThan(distance(late, noon));
    expect(midnight['context.device_desktop']).toBe(1);
  });
});

describe('featureVectorOf', () => {
  const user = decodeUserFeatures(
    {
      profile: { 'n:view': '4', last: String(NOW - 3_600_000), price_sum: '200', price_n: '4' },
      categoryAffinity: { 'Shoes > Trail': '3', 'Shoes > Running': '1', Books: '4' },
      brandAffinity: { Zed: '3', Acme: '1' },
      sequence: ['sku-2', 'sku-1'],
    },
    NOW,
  );
  const item = decodeItemFeatures(
    'sku-1',
    { 'n:view': '99', 'n:purchase': '3', cat: 'Shoes > Running', brand: 'Acme', price: '50' },
    NOW,
  );
  const vector = featureVectorOf({
    user,
    userCategories: { 'Shoes > Trail': '3', 'Shoes > Running': '1', Books: '4' },
    item,
    context: { hourOfDay: 9, dayOfWeek: 1, device: 'mobile' },
  });

  it('joins user, item, cross and context features under stable names', () => {
    expect(Object.keys(vector).length).toBeGreaterThan(30);
    expect(Object.values(vector).every(Number.isFinite)).toBe(true);
  });

  it('computes the cross features from the user and the item', () => {
    expect(vector['cross.category_affinity']).toBeCloseTo(1 / 8, 10);
    expect(vector['cross.top_category_affinity']).toBeCloseTo(4 / 8, 10);
    expect(vector['cross.brand_affinity']).toBeCloseTo(0.25, 10);
    expect(vector['cross.seen_recently']).toBeCloseTo(0.5, 10);
    expect(vector['cross.price_ratio']).toBeCloseTo(0, 10);
  });

  it('shrinks conversion towards the prior for items with few views', () => {
    expect(item.conversionRate).toBeCloseTo((3 + 1) / (99 + 50), 10);
    expect(decodeItemFeatures('new', {}, NOW)).toMatchObject({
      known: false,
      conversionRate: 0.02,
    });
  });
});
