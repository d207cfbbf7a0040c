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
  /** Catalogue hashes of the sequence's and the recommended items (an unknown item: an empty hash). */
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
    sequence: stored.sequence.map((itemId) => catalogueItemOf(itemId, facts.items)),
    recentEvents: facts.recentEvents.map((event) => ({
      eventId: event.eventId,
      eventType: event.eventType,
      at: new Date(event.atMs).toISOString(),
    })),
    recommendedItems: recommendedItemIds(facts.recommendations).map((itemId) =>
      catalogueItemOf(itemId, facts.items),
    ),
    recommendations: facts.recommendations,
  };
}

function catalogueItemOf(
  itemId: string,
  items: ReadonlyMap<string, StoredHash>,
): UserLookupV1['sequence'][number] {
  const item = items.get(itemId) ?? {};
  const price = Number(item['price']);
  return {
    itemId,
    title: item['title'] ?? null,
    category: item['cat'] ?? null,
    price: item['price'] !== undefined && Number.isFinite(price) ? price : null,
  };
}

/**
 * The item ids of the scorer's answer, in its order. The answer is passed through unchecked, so only
 * string ids of an `items` array are taken (anything else: none).
 */
export function recommendedItemIds(answer: ScorerAnswer): string[] {
  if (answer.status !== 'ok') return [];
  const items = (answer.scorerResponse as { items?: unknown } | null | undefined)?.items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: unknown) => {
    const itemId = (item as { itemId?: unknown } | null)?.itemId;
    return typeof itemId === 'string' ? [itemId] : [];
  });
}
