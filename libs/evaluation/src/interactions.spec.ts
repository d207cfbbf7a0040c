import type { StorefrontEvent } from '@recsys/contracts';
import { groupByUser, interactionsFromEvents, itemsOf, sortByTime } from './interactions';

const envelope = (timestamp: string, identity: { userId?: string; anonymousId?: string }) => ({
  eventId: `e-${timestamp}`,
  schemaVersion: 1,
  timestamp,
  sessionId: 's-1',
  ...identity,
});

describe('interactionsFromEvents', () => {
  it('turns item events into weighted interactions in time order', () => {
    const events = [
      {
        ...envelope('2026-01-01T00:00:02Z', { userId: 'u1' }),
        eventType: 'purchase',
        orderId: 'o1',
        currency: 'EUR',
        revenue: 3,
        items: [
          { itemId: 'a', quantity: 1, price: 1 },
          { itemId: 'b', quantity: 1, price: 2 },
        ],
      },
      {
        ...envelope('2026-01-01T00:00:00Z', { userId: 'u1' }),
        eventType: 'product_view',
        itemId: 'a',
      },
      {
        ...envelope('2026-01-01T00:00:01Z', { anonymousId: 'anon' }),
        eventType: 'add_to_cart',
        itemId: 'c',
        quantity: 1,
        price: 1,
        currency: 'EUR',
      },
      {
        ...envelope('2026-01-01T00:00:03Z', { userId: 'u1' }),
        eventType: 'page_view',
        url: 'https://shop.example/',
      },
    ] as unknown as StorefrontEvent[];
    const interactions = interactionsFromEvents(events);
    expect(
      interactions.map((entry) => [entry.userKey, entry.itemId, entry.behaviour, entry.weight]),
    ).toEqual([
      ['u1', 'a', 'view', 1],
      ['anon', 'c', 'cart', 3],
      ['u1', 'a', 'purchase', 5],
      ['u1', 'b', 'purchase', 5],
    ]);
    expect(itemsOf(interactions)).toEqual(['a', 'c', 'b']);
    expect(groupByUser(interactions).get('u1')).toHaveLength(3);
  });

  it('sorts stably by time', () => {
    const items = [
      { timeMs: 2, id: 'x' },
      { timeMs: 1, id: 'y' },
      { timeMs: 2, id: 'z' },
    ];
    expect(sortByTime(items).map((item) => item.id)).toEqual(['y', 'x', 'z']);
  });
});
