/** A user's features at a point in time, decoded from the feature store's user keys. */
import type { Behaviour, WindowName } from './feature-spec';
import {
  affinityOf,
  countsOf,
  storedNumber,
  windowedCountsOf,
  type StoredHash,
  type WeightedName,
} from './stored-features';

export interface StoredUser {
  profile: StoredHash;
  categoryAffinity: StoredHash;
  brandAffinity: StoredHash;
  /** Most recent first. */
  sequence: string[];
}

export interface UserFeatures {
  counts: Record<Behaviour, number>;
  windowed: Record<'view' | 'search' | 'cart' | 'purchase', Record<WindowName, number>>;
  firstSeenMs: number | undefined;
  lastSeenMs: number | undefined;
  /** Time since the last event; undefined for an unknown user. */
  recencyMs: number | undefined;
  session: { id: string | undefined; events: number; durationMs: number };
  revenue: number;
  /** Mean unit price of items the user viewed, carted or bought: the user's price band. */
  meanPrice: number | undefined;
  categoryAffinity: WeightedName[];
  brandAffinity: WeightedName[];
  sequence: string[];
}

export function decodeUserFeatures(stored: StoredUser, nowMs: number): UserFeatures {
  const profile = stored.profile;
  const lastSeenMs = optional(profile, 'last');
  const priceCount = storedNumber(profile, 'price_n');
  return {
    counts: countsOf(profile),
    windowed: windowedCountsOf(profile, nowMs),
    firstSeenMs: optional(profile, 'first'),
    lastSeenMs,
    recencyMs: lastSeenMs === undefined ? undefined : Math.max(0, nowMs - lastSeenMs),
    session: {
      id: profile['sess'],
      events: storedNumber(profile, 'sess_n'),
      durationMs: Math.max(
        0,
        storedNumber(profile, 'sess_last') - storedNumber(profile, 'sess_start'),
      ),
    },
    revenue: storedNumber(profile, 'rev'),
    meanPrice: priceCount > 0 ? storedNumber(profile, 'price_sum') / priceCount : undefined,
    categoryAffinity: affinityOf(stored.categoryAffinity),
    brandAffinity: affinityOf(stored.brandAffinity),
    sequence: stored.sequence,
  };
}

function optional(hash: StoredHash, field: string): number | undefined {
  return hash[field] === undefined ? undefined : storedNumber(hash, field);
}
