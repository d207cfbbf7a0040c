import { storefrontEventSchema } from '@recsys/contracts';
import { impressionEventOf, type ServedList } from './impression-event';

const list: ServedList = {
  requestId: 'req-1',
  userKey: 'u_abc',
  anonymous: false,
  sessionId: 'sess-1',
  modelVersion: 'ranker-1',
  arm: 'model',
  experimentId: 'home-ab',
  placement: 'home',
  items: [
    { itemId: 'a', score: 0.9 },
    { itemId: 'b', score: Number.NaN },
  ],
  servedAtMs: Date.parse('2026-11-29T10:00:00.000Z'),
  personalization: true,
};

describe('impressionEventOf', () => {
  it('is a valid recommendation_impression keyed to the request, positions in order', () => {
    const event = impressionEventOf(list);
    expect(storefrontEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      eventId: 'imp-req-1',
      userId: 'u_abc',
      arm: 'model',
      experimentId: 'home-ab',
      items: [
        { itemId: 'a', position: 0, score: 0.9 },
        { itemId: 'b', position: 1 },
      ],
    });
    expect(event.consent).toBeUndefined();
  });

  it('carries an anonymous id as such, and an opt-out as the consent it was served under', () => {
    const event = impressionEventOf({ ...list, anonymous: true, personalization: false });
    expect(event.userId).toBeUndefined();
    expect(event.anonymousId).toBe('u_abc');
    expect(event.consent).toEqual({ personalization: false });
    expect(storefrontEventSchema.safeParse(event).success).toBe(true);
  });
});
