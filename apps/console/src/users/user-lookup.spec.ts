import { userLookupV1Schema } from '@recsys/contracts';
import { recommendedItemIds, userLookupViewOf } from './user-lookup';

const NOW = Date.parse('2026-11-29T12:00:00.000Z');

describe('userLookupViewOf', () => {
  it('decodes the stored user, joins catalogue data to the recent items and keeps the scorer’s answer', () => {
    const view = userLookupV1Schema.parse(
      userLookupViewOf({
        query: { id: 'alice', kind: 'user' },
        userKey: 'u_0123',
        stored: {
          profile: {
            'n:view': '3',
            'n:purchase': '1',
            first: String(NOW - 86_400_000),
            last: String(NOW - 60_000),
            sess: 's-9',
            sess_n: '4',
            sess_start: String(NOW - 600_000),
            sess_last: String(NOW - 60_000),
            rev: '42.5',
            price_sum: '60',
            price_n: '3',
            optout: '0',
          },
          categoryAffinity: { 'Garden > Tools': '6', Books: '2' },
          brandAffinity: {},
          sequence: ['spade', 'gone'],
        },
        items: new Map<string, Record<string, string>>([
          ['spade', { title: 'Steel spade', cat: 'Garden > Tools', price: '31.5' }],
          ['gone', {}],
        ]),
        recentEvents: [{ eventId: 'e1', eventType: 'product_view', atMs: NOW - 60_000 }],
        recommendations: { status: 'ok', scorerResponse: { items: [] }, latencyMs: 12 },
        nowMs: NOW,
      }),
    );
    expect(view.found).toBe(true);
    expect(view.features).toMatchObject({
      firstSeenAt: '2026-11-28T12:00:00.000Z',
      session: { id: 's-9', events: 4, durationMs: 540_000 },
      revenue: 42.5,
      meanPrice: 20,
      optedOut: false,
      categoryAffinity: [
        { name: 'Garden > Tools', share: 0.75 },
        { name: 'Books', share: 0.25 },
      ],
      brandAffinity: [],
    });
    expect(view.features.counts['view']).toBe(3);
    expect(view.sequence).toEqual([
      { itemId: 'spade', title: 'Steel spade', category: 'Garden > Tools', price: 31.5 },
      { itemId: 'gone', title: null, category: null, price: null },
    ]);
    expect(view.recentEvents).toEqual([
      { eventId: 'e1', eventType: 'product_view', at: '2026-11-29T11:59:00.000Z' },
    ]);
  });

  it('reports an unknown user as not found, with nothing invented', () => {
    const view = userLookupViewOf({
      query: { id: 'nobody', kind: 'anonymous' },
      userKey: 'nobody',
      stored: { profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [] },
      items: new Map(),
      recentEvents: [],
      recommendations: {
        status: 'error',
        error: { code: 'HTTP_500', message: 'boom', httpStatus: 500 },
      },
      nowMs: NOW,
    });
    expect(view).toMatchObject({
      found: false,
      features: { firstSeenAt: null, lastSeenAt: null, meanPrice: null, optedOut: null },
      sequence: [],
      recommendedItems: [],
    });
  });

  it('joins catalogue data to the recommended items, in the scorer’s order', () => {
    const view = userLookupV1Schema.parse(
      userLookupViewOf({
        query: { id: 'alice', kind: 'user' },
        userKey: 'u_0123',
        stored: { profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [] },
        items: new Map<string, Record<string, string>>([
          ['rake', { title: 'Leaf rake', cat: 'Garden', price: '12' }],
        ]),
        recentEvents: [],
        recommendations: {
          status: 'ok',
          scorerResponse: {
            items: [
              { itemId: 'rake', rank: 0, score: 0.5 },
              { itemId: 'unknown', rank: 1, score: 0.9 },
            ],
          },
          latencyMs: 3,
        },
        nowMs: NOW,
      }),
    );
    expect(view.recommendedItems).toEqual([
      { itemId: 'rake', title: 'Leaf rake', category: 'Garden', price: 12 },
      { itemId: 'unknown', title: null, category: null, price: null },
    ]);
  });

  it('takes recommended item ids only from a list that has them', () => {
    expect(recommendedItemIds({ status: 'ok', scorerResponse: null, latencyMs: 1 })).toEqual([]);
    expect(
      recommendedItemIds({
        status: 'ok',
        scorerResponse: { items: [{ itemId: 'a' }, { itemId: 7 }, null] },
        latencyMs: 1,
      }),
    ).toEqual(['a']);
  });
});
