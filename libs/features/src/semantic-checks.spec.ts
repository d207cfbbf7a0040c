import type { StorefrontEvent } from '@recsys/contracts';
import { normaliseEvent } from './normalise';
import { checkEventSemantics } from './semantic-checks';

const RECEIVED = Date.parse('2026-11-28T12:00:00Z');
const options = { receivedAtMs: RECEIVED, maxFutureSkewMs: 5 * 60_000, maxAgeMs: 7 * 86_400_000 };
const cart = (overrides: Record<string, unknown> = {}) =>
  ({
    eventId: 'e',
    schemaVersion: 1,
    eventType: 'add_to_cart',
    userId: 'u',
    sessionId: 's',
    timestamp: '2026-11-28T11:59:00Z',
    itemId: 'sku-1',
    quantity: 1,
    price: 10,
    currency: 'eur',
    ...overrides,
  }) as StorefrontEvent;

describe('checkEventSemantics', () => {
  it('accepts a plausible event', () => {
    expect(checkEventSemantics(cart(), options)).toEqual({ ok: true });
  });

  it('refuses timestamps beyond the allowed clock skew or age', () => {
    expect(checkEventSemantics(cart({ timestamp: '2026-11-28T12:10:00Z' }), options)).toMatchObject(
      { ok: false, reason: 'timestamp_out_of_range' },
    );
    expect(checkEventSemantics(cart({ timestamp: '2026-11-01T00:00:00Z' }), options)).toMatchObject(
      { ok: false, reason: 'timestamp_out_of_range' },
    );
  });

  it('refuses negative amounts that bypassed the schema', () => {
    expect(checkEventSemantics(cart({ price: -1 }), options)).toMatchObject({
      ok: false,
      reason: 'negative_price',
    });
  });

  it('refuses unknown items only when a catalogue check is configured', () => {
    expect(checkEventSemantics(cart(), { ...options, isKnownItem: () => false })).toMatchObject({
      ok: false,
      reason: 'unknown_item',
    });
    expect(
      checkEventSemantics(cart(), { ...options, isKnownItem: (id) => id === 'sku-1' }),
    ).toEqual({ ok: true });
  });
});

describe('normaliseEvent', () => {
  it('upper-cases currency, collapses category whitespace and trims text', () => {
    expect(normaliseEvent(cart())).toMatchObject({ currency: 'EUR' });
    const view = {
      ...cart(),
      eventType: 'product_view',
      categoryPath: [' Home ', 'Bath   Towels', '  '],
    } as unknown as StorefrontEvent;
    expect(normaliseEvent(view)).toMatchObject({ categoryPath: ['Home', 'Bath Towels'] });
    const search = {
      ...cart(),
      eventType: 'search',
      query: '  red   shoes ',
    } as unknown as StorefrontEvent;
    expect(normaliseEvent(search)).toMatchObject({ query: 'red shoes' });
  });
});
