import type { StorefrontEvent } from '@recsys/contracts';
import type { DatasetRecord } from '../records';
import { isTimeOrdered, schemaFailures } from '../test/fixtures';
import { generateStorefront } from './generator';
import { SeededRandom } from './random';

const SMALL = { seed: 42, users: 120, items: 300, categories: 16, days: 10 };
/** Tests that generate whole storefronts again; CI machines are shared. */
const GENERATION_TIMEOUT_MS = 20_000;

const storefront = generateStorefront(SMALL);
const records: DatasetRecord[] = [...storefront.records()];
const events: StorefrontEvent[] = records.flatMap((record) =>
  record.kind === 'event' ? [record.event] : [],
);
const ofType = <T extends StorefrontEvent['eventType']>(type: T) =>
  events.filter(
    (event): event is Extract<StorefrontEvent, { eventType: T }> => event.eventType === type,
  );

const mean = (values: number[]) =>
  values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** The shopper behind an event, logged in or not. */
const shopperOf = (event: StorefrontEvent) =>
  event.userId ?? storefront.groundTruth.userOfAnonymousId(event.anonymousId ?? '') ?? '';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds and forks', () => {
    const draws = (random: SeededRandom) => Array.from({ length: 5 }, () => random.next());

    expect(draws(new SeededRandom(7))).toEqual(draws(new SeededRandom(7)));
    expect(draws(new SeededRandom(7))).not.toEqual(draws(new SeededRandom(8)));
    expect(draws(new SeededRandom(7).fork('a'))).not.toEqual(draws(new SeededRandom(7).fork('b')));
  });

  it('draws Poisson counts with the requested mean', () => {
    const random = new SeededRandom(3);
    const counts = Array.from({ length: 20_000 }, () => random.poisson(2.5));

    expect(counts.reduce((sum, count) => sum + count, 0) / counts.length).toBeCloseTo(2.5, 1);
  });
});

describe('generateStorefront', () => {
  it(
    'is deterministic for a seed, across calls and runs, and differs for another seed',
    () => {
      const again = generateStorefront(SMALL);
      const other = generateStorefront({ ...SMALL, seed: 43 });

      expect(JSON.stringify([...again.records()])).toBe(JSON.stringify(records));
      expect(JSON.stringify([...storefront.records()])).toBe(JSON.stringify(records));
      expect(JSON.stringify([...other.records()].slice(300, 400))).not.toBe(
        JSON.stringify(records.slice(300, 400)),
      );
    },
    GENERATION_TIMEOUT_MS,
  );

  it(
    'emits contract-valid items first, then events in time order with unique ids and full context',
    () => {
      const firstEvent = records.findIndex((record) => record.kind === 'event');

      expect(schemaFailures(records)).toEqual([]);
      expect(firstEvent).toBe(SMALL.items);
      expect(records.slice(firstEvent).every((record) => record.kind === 'event')).toBe(true);
      expect(isTimeOrdered(records.slice(firstEvent))).toBe(true);
      expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
      expect(
        events.every(
          (event) => event.context?.device && event.context.locale && event.context.timeZone,
        ),
      ).toBe(true);
      const start = Date.parse('2026-01-05T00:00:00.000Z');
      expect(events.every((event) => Date.parse(event.timestamp) >= start)).toBe(true);
    },
    GENERATION_TIMEOUT_MS,
  );

  it('gives items Zipf popularity (a small head gets most views) and log-normal prices', () => {
    const views = ofType('product_view');
    const byPopularity = [...storefront.catalog.items].sort(
      (left, right) => right.popularity - left.popularity,
    );
    const head = new Set(byPopularity.slice(0, SMALL.items / 10).map((item) => item.itemId));
    const headShare = views.filter((view) => head.has(view.itemId)).length / views.length;
    const logPrices = storefront.catalog.items.map((item) =>
      Math.log(item.price / (storefront.catalog.categories[item.category]?.medianPrice ?? 1)),
    );
    const meanLog = logPrices.reduce((sum, value) => sum + value, 0) / logPrices.length;

    expect(headShare).toBeGreaterThan(0.3);
    expect(Math.abs(meanLog)).toBeLessThan(0.25);
    expect(Math.max(...logPrices) - Math.min(...logPrices)).toBeGreaterThan(1.5);
  });

  it('has a realistic funnel: many views, fewer carts, fewer purchases, some removals and ratings', () => {
    const views = ofType('product_view').length;
    const carts = ofType('add_to_cart').length;
    const purchases = ofType('purchase').length;

    expect(ofType('search').length).toBeGreaterThan(0);
    expect(carts / views).toBeGreaterThan(0.03);
    expect(carts / views).toBeLessThan(0.3);
    expect(purchases).toBeGreaterThan(0);
    expect(purchases).toBeLessThan(carts);
    expect(ofType('remove_from_cart').length).toBeLessThan(carts);
    expect(ofType('rating').length + ofType('review').length).toBeGreaterThan(0);
    expect(
      ofType('search').every(
        (search) =>
          search.resultItemIds.length > 0 && search.resultCount >= search.resultItemIds.length,
      ),
    ).toBe(true);
  });

  it('makes every order revenue the exact sum of quantity × catalogue price', () => {
    const prices = new Map(storefront.items.map((item) => [item.itemId, item.price]));

    for (const purchase of ofType('purchase')) {
      const cents = purchase.items.reduce(
        (sum, line) => sum + line.quantity * Math.round(line.price * 100),
        0,
      );
      expect(Math.round(purchase.revenue * 100)).toBe(cents);
      expect(purchase.items.every((line) => prices.get(line.itemId) === line.price)).toBe(true);
    }
  });

  it('agrees with its ground truth: shoppers view their preferred categories far more than the catalogue share', () => {
    const categoryOf = new Map(
      storefront.items.map((item) => [item.itemId, item.categoryPath.join(' > ')]),
    );
    const catalogueShare = (paths: string[]) =>
      storefront.items.filter((item) => paths.includes(item.categoryPath.join(' > '))).length /
      storefront.items.length;
    const lifts: number[] = [];
    for (const taste of storefront.groundTruth.tastes()) {
      const preferred = taste.preferredCategories.map((path) => path.join(' > '));
      const views = ofType('product_view').filter((view) => shopperOf(view) === taste.userId);
      if (views.length < 10) continue;
      const share =
        views.filter((view) => preferred.includes(categoryOf.get(view.itemId) ?? '')).length /
        views.length;
      lifts.push(share / catalogueShare(preferred));
    }

    expect(lifts.length).toBeGreaterThan(30);
    expect(lifts.reduce((sum, lift) => sum + lift, 0) / lifts.length).toBeGreaterThan(3);
  });

  it('ranks viewed items well above random ones by ground-truth affinity', () => {
    const truth = storefront.groundTruth;
    const viewed = mean(
      ofType('product_view').map((view) => truth.affinity(shopperOf(view), view.itemId) ?? 0),
    );
    const random = new SeededRandom(1);
    const pairs = Array.from(
      { length: 2_000 },
      () => [random.pick(storefront.users).userId, random.pick(storefront.items).itemId] as const,
    );
    const baseline = mean(pairs.map(([userId, itemId]) => truth.affinity(userId, itemId) ?? 0));

    expect(viewed).toBeGreaterThan(2 * baseline);
    expect(truth.idealItems(storefront.users[0]?.userId ?? '', 5)).toHaveLength(5);
    expect(truth.affinity('nobody', 'sku-00001')).toBeUndefined();
  });

  it(
    'rates liked items higher: stars follow the ground-truth affinity',
    () => {
      // A longer run, for enough ratings to compare.
      const busy = generateStorefront({ seed: 5, users: 300, items: 150, categories: 8, days: 20 });
      const ratings = [...busy.records()].flatMap((record) => {
        if (record.kind !== 'event') return [];
        const { event } = record;
        if (event.eventType !== 'rating' && event.eventType !== 'review') return [];
        const stars = event.eventType === 'rating' ? event.rating : event.stars;
        return [
          { stars, affinity: busy.groundTruth.affinity(event.userId ?? '', event.itemId) ?? 0 },
        ];
      });
      const good = ratings.filter((rating) => rating.stars >= 4).map((rating) => rating.affinity);
      const poor = ratings.filter((rating) => rating.stars <= 3).map((rating) => rating.affinity);

      expect(good.length).toBeGreaterThan(10);
      expect(poor.length).toBeGreaterThan(10);
      expect(mean(good)).toBeGreaterThan(mean(poor) + 0.1);
    },
    GENERATION_TIMEOUT_MS,
  );

  it('follows the daily rhythm of the shoppers (evenings busier than nights) and keeps some sessions logged out', () => {
    const offsets = new Map(
      storefront.users.map((user) => [user.userId, user.locale.utcOffsetHours]),
    );
    const localHour = (event: StorefrontEvent) =>
      (new Date(event.timestamp).getUTCHours() + (offsets.get(shopperOf(event)) ?? 0)) % 24;
    const evening = events.filter((event) => [18, 19, 20, 21].includes(localHour(event))).length;
    const night = events.filter((event) => [2, 3, 4, 5].includes(localHour(event))).length;
    const sessions = new Map(events.map((event) => [event.sessionId, event.userId === undefined]));
    const loggedOut = [...sessions.values()].filter(Boolean).length / sessions.size;

    expect(evening).toBeGreaterThan(4 * night);
    expect(loggedOut).toBeGreaterThan(0.05);
    expect(loggedOut).toBeLessThan(0.3);
  });

  it('rejects impossible options', () => {
    expect(() => generateStorefront({ users: 0 })).toThrow(/users must be a positive integer/);
    expect(() => generateStorefront({ startTime: 'monday' })).toThrow(/startTime/);
  });
});
