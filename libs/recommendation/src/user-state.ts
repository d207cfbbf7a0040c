/**
 * The user's side of a request: read only when the user consented and is identified, empty otherwise.
 * An opted-out user's data is never read, so nothing about them can leak into the answer.
 */
import type { EventContext } from '@recsys/contracts';
import {
  affinityOf,
  contextOf,
  type ContextFeatures,
  type StoredUser,
  type WeightedName,
} from '@recsys/features';
import type { RecommendationReader, ShownCount } from './reader';

export interface UserState {
  readonly stored: StoredUser;
  readonly shown: ReadonlyMap<string, ShownCount>;
  readonly purchased: ReadonlySet<string>;
}

export function emptyStoredUser(): StoredUser {
  return { profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [] };
}

export function emptyUserState(): UserState {
  return { stored: emptyStoredUser(), shown: new Map(), purchased: new Set() };
}

/** The user key to read with, or undefined when the request must not (or cannot) read user data. */
export function readableUserKey(request: {
  readonly userKey?: string;
  readonly personalization: boolean;
}): string | undefined {
  return request.personalization ? request.userKey : undefined;
}

/** The user's features, shown counts and purchases, read concurrently (one round trip). */
export async function readUserState(
  reader: RecommendationReader,
  userKey: string | undefined,
): Promise<UserState> {
  if (userKey === undefined) return emptyUserState();
  const [stored, shown, purchased] = await Promise.all([
    reader.readUser(userKey),
    reader.readShownCounts(userKey),
    reader.readPurchased(userKey),
  ]);
  return { stored, shown, purchased };
}

/** A user with any recorded item or category interest (otherwise: cold start). */
export function hasHistory(stored: StoredUser): boolean {
  return stored.sequence.length > 0 || affinityOf(stored.categoryAffinity, 1).length > 0;
}

/** The user's strongest categories, weighted relative to the strongest (which gets 1). */
export function topCategoriesOf(stored: StoredUser, limit: number): WeightedName[] {
  if (limit <= 0) return [];
  const top = affinityOf(stored.categoryAffinity, limit);
  const strongest = top[0]?.score ?? 0;
  return strongest > 0 ? top.map((entry) => ({ ...entry, score: entry.score / strongest })) : [];
}

/** Hour, weekday and device of the request, as training examples compute them for events. */
export function requestContextFeatures(nowMs: number, client?: EventContext): ContextFeatures {
  return contextOf({ timestamp: new Date(nowMs).toISOString(), context: client });
}
