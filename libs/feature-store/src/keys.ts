/**
 * The only place that builds feature-store keys (layout: ../FORMAT.md). Keys are relative to the
 * connection's prefix (ioredis adds it); Lua scripts receive `scriptKeyPrefix` and build the same shapes.
 */
export const FEATURE_FORMAT_VERSION = 1;

const ROOT = `fs:v${FEATURE_FORMAT_VERSION}:`;

export const featureKeys = {
  root: ROOT,
  userProfile: (userKey: string) => `${ROOT}{u:${userKey}}:p`,
  userCategories: (userKey: string) => `${ROOT}{u:${userKey}}:c`,
  userBrands: (userKey: string) => `${ROOT}{u:${userKey}}:b`,
  userSequence: (userKey: string) => `${ROOT}{u:${userKey}}:q`,
  userSessionItems: (userKey: string) => `${ROOT}{u:${userKey}}:si`,
  /** Items shown to the user in recommendations → times shown since they last clicked one. */
  userShown: (userKey: string) => `${ROOT}{u:${userKey}}:sh`,
  /** Items the user bought → purchase time (ms); newest 200. */
  userPurchased: (userKey: string) => `${ROOT}{u:${userKey}}:o`,
  userImpression: (userKey: string, requestId: string) => `${ROOT}{u:${userKey}}:imp:${requestId}`,
  item: (itemId: string) => `${ROOT}{i:${itemId}}:p`,
  coVisitation: (itemId: string) => `${ROOT}{i:${itemId}}:cv`,
  popularity: () => `${ROOT}pop`,
  popularityOfDay: (day: string) => `${ROOT}pop:d:${day}`,
  /** Popularity within one full category path (`A > B`), all time. */
  popularityOfCategory: (categoryPath: string) => `${ROOT}pop:c:${categoryPath}`,
  /** Catalogue items by first appearance (ms), newest 1000. */
  newItems: () => `${ROOT}new`,
  seen: (eventId: string) => `${ROOT}seen:${eventId}`,
  offset: (group: string, topic: string, partition: number) =>
    `${ROOT}off:${group}:${topic}:${partition}`,
  qualityWindow: (windowStartMs: number) => `${ROOT}dq:${windowStartMs}`,
} as const;

/** `yyyymmdd` of a UTC instant (the popularity-of-day key). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}
