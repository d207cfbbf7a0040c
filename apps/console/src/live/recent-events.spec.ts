import { RecentEvents } from './recent-events';

const event = (eventId: string, atMs: number) => ({ eventId, eventType: 'page_view', atMs });

describe('RecentEvents', () => {
  it('keeps the newest events per user, newest first, without duplicates', () => {
    const recent = new RecentEvents({ maxEventsPerUser: 3 });
    for (const [id, at] of [
      ['a', 1],
      ['c', 3],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ] as const)
      recent.record('u1', event(id, at), 100);
    expect(recent.of('u1', 100).map((entry) => entry.eventId)).toEqual(['d', 'c', 'b']);
    expect(recent.of('u2', 100)).toEqual([]);
  });

  it('forgets the least recently active users beyond the bound', () => {
    const recent = new RecentEvents({ maxUsers: 2 });
    recent.record('u1', event('1', 1), 0);
    recent.record('u2', event('2', 1), 0);
    recent.record('u1', event('3', 2), 0);
    recent.record('u3', event('4', 1), 0);
    expect(recent.size).toBe(2);
    expect(recent.of('u2', 0)).toEqual([]);
    expect(recent.of('u1', 0)).toHaveLength(2);
  });

  it('drops what it saw longer ago than the retention, whatever the event time', () => {
    const recent = new RecentEvents({ retentionMs: 1_000 });
    recent.record('u1', event('old-seen', 5_000), 0);
    recent.record('u1', event('replayed-history', 1), 1_500);
    expect(recent.of('u1', 2_000).map((entry) => entry.eventId)).toEqual(['replayed-history']);
  });
});
