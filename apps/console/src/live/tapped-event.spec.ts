import { needsValue, tappedEventOf } from './tapped-event';

describe('tappedEventOf', () => {
  it('reads type, id and event time from the CloudEvents headers', () => {
    const headers = {
      ce_type: 'product_view',
      ce_id: 'e-1',
      ce_time: '2026-11-29T08:00:00.000Z',
    };
    expect(needsValue(headers)).toBe(false);
    expect(tappedEventOf({ key: 'u_1', headers, timestampMs: 5 })).toEqual({
      eventType: 'product_view',
      eventId: 'e-1',
      atMs: Date.parse('2026-11-29T08:00:00.000Z'),
      userKey: 'u_1',
    });
  });

  it('reads the storefront event type out of the reverse-DNS ce_type', () => {
    const headers = {
      ce_type: 'io.recsys.event.recommendation_impression.v1',
      ce_id: 'imp-r1',
      ce_time: '2026-11-29T08:00:01.000Z',
    };
    expect(needsValue(headers)).toBe(false);
    expect(tappedEventOf({ key: 'u_1', headers, timestampMs: 5 })).toMatchObject({
      eventType: 'recommendation_impression',
      eventId: 'imp-r1',
    });
    expect(
      tappedEventOf({
        key: 'u_1',
        headers: { ce_type: 'io.recsys.dead_letter.v1' },
        timestampMs: 5,
      }),
    ).toMatchObject({ eventType: 'unknown' });
  });

  it('reads a message without headers from its value', () => {
    const value = JSON.stringify({
      eventId: 'imp-r1',
      schemaVersion: 1,
      eventType: 'recommendation_impression',
      timestamp: '2026-11-29T08:00:01.000Z',
    });
    expect(needsValue({})).toBe(true);
    expect(tappedEventOf({ key: undefined, headers: {}, timestampMs: 5, value })).toEqual({
      eventType: 'recommendation_impression',
      eventId: 'imp-r1',
      atMs: Date.parse('2026-11-29T08:00:01.000Z'),
      userKey: undefined,
    });
  });

  it('counts what it cannot read as unknown, at the Kafka time', () => {
    expect(
      tappedEventOf({ key: 'k', headers: { ce_type: 'Bad Type!' }, timestampMs: 42 }),
    ).toMatchObject({ eventType: 'unknown', atMs: 42 });
    expect(tappedEventOf({ key: 'k', headers: {}, timestampMs: 7, value: '{}' })).toMatchObject({
      eventType: 'unknown',
      eventId: undefined,
      atMs: 7,
    });
  });
});
