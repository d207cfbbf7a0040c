import { EventRates } from './event-rates';

const T0 = 1_700_000_000_000;

describe('EventRates', () => {
  it('gives events/s per type per step over ten minutes, and the current rate', () => {
    const rates = new EventRates(T0);
    const now = T0 + 700_000 + 300;
    // 4 views per second during the last 20 complete seconds, 1 purchase 3 s ago.
    for (let second = 680; second < 700; second += 1)
      for (let index = 0; index < 4; index += 1)
        rates.record('product_view', T0 + second * 1_000 + index * 100, now);
    rates.record('purchase', T0 + 697_000, now);
    const view = rates.view(now, 5);
    expect(view.stepSeconds).toBe(5);
    expect(view.windowSeconds).toBe(600);
    expect(view.startMs + view.series[0]!.perSecond.length * 5_000).toBe(T0 + 700_000);
    const productView = view.series.find((entry) => entry.eventType === 'product_view')!;
    expect(productView.perSecond.slice(-4)).toEqual([4, 4, 4, 4]);
    expect(productView.perSecond.slice(0, -4).every((value) => value === 0)).toBe(true);
    expect(productView.total).toBe(80);
    expect(productView.currentPerSecond).toBe(4);
    const purchase = view.series.find((entry) => entry.eventType === 'purchase')!;
    expect(purchase.currentPerSecond).toBeCloseTo(0.1);
    expect(view.countingSince).toBe(new Date(T0).toISOString());
  });

  it('lists types in a stable order and nothing when nothing came', () => {
    const rates = new EventRates(T0);
    expect(rates.view(T0 + 10_000, 5).series).toEqual([]);
    rates.record('search', T0 + 1_000, T0 + 10_000);
    rates.record('add_to_cart', T0 + 1_000, T0 + 10_000);
    expect(rates.view(T0 + 10_000, 5).series.map((entry) => entry.eventType)).toEqual([
      'add_to_cart',
      'search',
    ]);
  });
});
