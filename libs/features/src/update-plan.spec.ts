import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { storefrontEventSchema, type StorefrontEvent } from '@recsys/contracts';
import { itemIdsOf } from './event-items';
import { updatePlanOf } from './update-plan';

const fixture = (name: string): StorefrontEvent =>
  storefrontEventSchema.parse(
    JSON.parse(
      readFileSync(
        join(__dirname, '../../contracts/src/__fixtures__/valid', `${name}.v1.json`),
        'utf8',
      ),
    ),
  );

describe('updatePlanOf', () => {
  it('maps a product view to a view interaction with its price and normalised category', () => {
    const event = {
      ...fixture('product-view'),
      categoryPath: ['  Shoes ', 'Trail   Running'],
    } as StorefrontEvent;
    expect(updatePlanOf(event)).toEqual({
      eventId: 'evt-0002',
      userKey: 'u-1001',
      sessionId: 's-77',
      timestampMs: Date.parse('2026-11-28T10:15:30.000Z'),
      behaviour: 'view',
      items: [{ itemId: 'sku-1', quantity: 1, price: 89.9 }],
      interaction: 'view',
      categoryPath: ['Shoes', 'Trail Running'],
      snapshot: true,
    });
  });

  it('maps a purchase to every line with revenue and the strongest interaction', () => {
    const plan = updatePlanOf(fixture('purchase'));
    expect(plan).toMatchObject({ behaviour: 'purchase', interaction: 'purchase', revenue: 199.7 });
    expect(plan.items).toEqual([
      { itemId: 'sku-1', quantity: 2, price: 89.9 },
      { itemId: 'sku-7', quantity: 1, price: 19.9 },
    ]);
  });

  it('uses the anonymous id as the user key when there is no user id', () => {
    expect(updatePlanOf(fixture('page-view.anonymous')).userKey).toBe('anon-3f9c');
  });

  it('never snapshots (trains on) a user who opted out of personalisation', () => {
    const optedOut = {
      ...fixture('product-view'),
      consent: { personalization: false },
    } as StorefrontEvent;
    expect(updatePlanOf(optedOut).snapshot).toBe(false);
    expect(updatePlanOf(fixture('product-view')).snapshot).toBe(true);
  });

  it.each([
    ['page-view', 'page_view', 0],
    ['search', 'search', 0],
    ['remove-from-cart', 'remove', 1],
    ['rating', 'rating', 1],
    ['review', 'review', 1],
    ['share', 'share', 1],
    ['recommendation-impression', 'impression', 2],
    ['recommendation-click', 'click', 1],
  ])('maps %s to behaviour %s touching %i items', (name, behaviour, items) => {
    const plan = updatePlanOf(fixture(name));
    expect(plan.behaviour).toBe(behaviour);
    expect(plan.items).toHaveLength(items);
  });

  it('carries explicit ratings and review stars', () => {
    expect(updatePlanOf(fixture('rating')).rating).toBe(4.5);
    expect(updatePlanOf(fixture('review')).rating).toBe(5);
  });
});

describe('itemIdsOf', () => {
  it('lists the items an event is about', () => {
    expect(itemIdsOf(fixture('search'))).toEqual(['sku-1', 'sku-2', 'sku-3']);
    expect(itemIdsOf(fixture('purchase'))).toEqual(['sku-1', 'sku-7']);
    expect(itemIdsOf(fixture('page-view'))).toEqual([]);
  });
});
