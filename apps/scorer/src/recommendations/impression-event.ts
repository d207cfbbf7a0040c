/**
 * The `recommendation_impression` a served list becomes: it tells the preprocessor which items were shown
 * (negatives for a later click, the "shown N times" filter) and the attribution which arm served them.
 * It carries the pseudonym as `userId` — exactly what the collector would have written to Kafka.
 */
import type { RecommendationImpressionV1 } from '@recsys/contracts';

export interface ServedList {
  requestId: string;
  userKey: string;
  anonymous: boolean;
  sessionId: string;
  modelVersion: string;
  arm: string;
  experimentId?: string;
  placement?: string;
  items: ReadonlyArray<{ itemId: string; score: number }>;
  servedAtMs: number;
  /** False when the list was served without personalisation because the user opted out. */
  personalization: boolean;
}

export function impressionEventOf(list: ServedList): RecommendationImpressionV1 {
  return {
    eventType: 'recommendation_impression',
    schemaVersion: 1,
    eventId: `imp-${list.requestId}`,
    ...(list.anonymous ? { anonymousId: list.userKey } : { userId: list.userKey }),
    sessionId: list.sessionId,
    timestamp: new Date(list.servedAtMs).toISOString(),
    // An opted-out user's impression is marked so, like their own events: it never becomes training data.
    ...(list.personalization ? {} : { consent: { personalization: false } }),
    requestId: list.requestId,
    modelVersion: list.modelVersion,
    arm: list.arm,
    ...(list.experimentId === undefined ? {} : { experimentId: list.experimentId }),
    ...(list.placement === undefined ? {} : { placement: list.placement }),
    items: list.items.map((item, position) => ({
      itemId: item.itemId,
      position,
      ...(Number.isFinite(item.score) ? { score: item.score } : {}),
    })),
  };
}
