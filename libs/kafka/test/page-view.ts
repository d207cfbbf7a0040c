import type { PageViewV1 } from '@recsys/contracts';

/** A valid page view of user u-1 in session s-1: the message these suites send. */
export function pageView(eventId: string): PageViewV1 {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'page_view',
    userId: 'u-1',
    sessionId: 's-1',
    timestamp: '2026-11-28T10:00:00.000Z',
    pageType: 'home',
  };
}
