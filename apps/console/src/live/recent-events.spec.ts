import { ErasureSubjects } from '@recsys/feature-store';
import { ErasedShoppers } from './erased-shoppers';
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

  describe('erasures', () => {
    const subjects = new ErasureSubjects('console-recent-events-secret');
    const ERASED_AT = 1_000;
    const erasable = () => new RecentEvents({ erased: new ErasedShoppers(subjects) });

    it('drops an erased shopper’s events at once and keeps everyone else’s', () => {
      const recent = erasable();
      recent.record('u_gone', event('g1', 900), 950);
      recent.record('u_gone', event('g2', 990), 995);
      recent.record('u_stays', event('s1', 900), 950);
      recent.erase(subjects.subjectOf('u_gone'), ERASED_AT);
      expect(recent.of('u_gone', 1_100)).toEqual([]);
      expect(recent.size).toBe(1);
      expect(recent.of('u_stays', 1_100).map((entry) => entry.eventId)).toEqual(['s1']);
    });

    it('never keeps an event of the erased history that arrives later, by event or receipt time', () => {
      const recent = erasable();
      recent.erase(subjects.subjectOf('u_gone'), ERASED_AT);
      // Replayed (old event time, new receipt), and stamped ahead but received before the erasure.
      recent.record('u_gone', { ...event('replayed', 500), receivedAtMs: 2_000 }, 2_000);
      recent.record('u_gone', { ...event('ahead', 1_500), receivedAtMs: 999 }, 2_000);
      expect(recent.of('u_gone', 2_000)).toEqual([]);
      expect(recent.size).toBe(0);
      // A new history after the erasure is shown.
      recent.record('u_gone', { ...event('new', 1_500), receivedAtMs: 1_500 }, 2_000);
      expect(recent.of('u_gone', 2_000).map((entry) => entry.eventId)).toEqual(['new']);
    });
  });
});
