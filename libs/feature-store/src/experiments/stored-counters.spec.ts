import { armCountersOf, offerCountsOf } from './stored-counters';

describe('armCountersOf', () => {
  it('decodes `<arm>|<counter>` fields, revenue from hundredths, and skips unknown fields', () => {
    expect(
      armCountersOf({
        'gru|imp': '10',
        'gru|cimp': '3',
        'gru|clk': '4',
        'gru|xu': '5',
        'gru|cu': '2',
        'gru|pur': '3',
        'gru|rev': '2599',
        'control|imp': '7',
        'control|mystery': '1',
        'no-separator': '1',
      }),
    ).toEqual({
      gru: {
        impressions: 10,
        clicks: 3,
        totalClicks: 4,
        exposedUsers: 5,
        convertedUsers: 2,
        purchases: 3,
        revenue: 25.99,
      },
      control: {
        impressions: 7,
        clicks: 0,
        totalClicks: 0,
        exposedUsers: 0,
        convertedUsers: 0,
        purchases: 0,
        revenue: 0,
      },
    });
  });
});

describe('offerCountsOf', () => {
  it('totals groups and lists buckets in order as treated (treatment) vs control (holdout)', () => {
    const counts = offerCountsOf('spring', {
      'treatment|7|n': '4',
      'treatment|7|cu': '2',
      'treatment|7|rev': '1000',
      'holdout|7|n': '1',
      'treatment|2|n': '3',
      'holdout|2|n': '2',
      'holdout|2|cu': '1',
      'other|2|n': '9',
    });
    expect(counts.groups).toEqual({
      treatment: { users: 7, convertedUsers: 2, purchases: 0, revenue: 10 },
      holdout: { users: 3, convertedUsers: 1, purchases: 0, revenue: 0 },
    });
    expect(counts.buckets).toEqual([
      { bucket: 2, treated: { users: 3, converted: 0 }, control: { users: 2, converted: 1 } },
      { bucket: 7, treated: { users: 4, converted: 2 }, control: { users: 1, converted: 0 } },
    ]);
  });
});
