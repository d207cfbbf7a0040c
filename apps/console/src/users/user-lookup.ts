/** The user lookup's answer from what the stores hold: pure, so it is tested without Redis. */
import type { UserLookupV1 } from '@recsys/contracts';
import {
  decodeUserFeatures,
  type StoredHash,
  type StoredUser,
  type WeightedName,
} from '@recsys/features';
import type { RecentEvent } from '../live/recent-events';
import type { ScorerAnswer } from './scorer-client';

export interface UserLookupFacts {
  query: UserLookupV1['query'];
  userKey: string;
  stored: StoredUser;
  /** Catalogue hashes of the sequence's items (an unknown item maps to an empty hash). */
  items: ReadonlyMap<string, StoredHash>;
  recentEvents: readonly RecentEvent[];
  recommendations: ScorerAnswer;
  nowMs: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const shares = (names: WeightedName[]) =>
  names.map((entry) => ({ name: entry.name, share: entry.score }));

export function userLookupViewOf(facts: UserLookupFacts): UserLookupV1 {
  const { stored } = facts;
  const features = decodeUserFeatures(stored, facts.nowMs);
  const optout = stored.profile['optout'];
  return {
    query: facts.query,
    userKey: facts.userKey,
    found: Object.keys(stored.profile).length > 0 || stored.sequence.length > 0,
    features: {
      counts: features.counts,
      windowed: features.windowed,
      firstSeenAt: iso(features.firstSeenMs),
      lastSeenAt: iso(features.lastSeenMs),
      session: {
        id: features.session.id ?? null,
        events: Math.max(0, Math.round(features.session.events)),
        durationMs: Math.max(0, Math.round(features.session.durationMs)),
      },
      revenue: features.revenue,
      meanPrice: features.meanPrice ?? null,
      optedOut: optout === undefined ? null : optout === '1',
      categoryAffinity: shares(features.categoryAffinity),
      brandAffinity: shares(features.brandAffinity),
    },
    sequence: stored.sequence.map((itemId) => {
      const item = facts.items.get(itemId) ?? {};
      const price = Number(item['price']);
      return {
        itemId,
        title: item['title'] ?? null,
        category: item['cat'] ?? null,
        price: item['price'] !== undefined && Number.isFinite(price) ? price : null,
      };
    }),
    recentEvents: facts.recentEvents.map((event) => ({
      eventId: event.eventId,
      eventType: event.eventType,
      at: new Date(event.atMs).toISOString(),
    })),
    recommendations: facts.recommendations,
  };
}
