/** Test factory: a user's features with the given counts, each counted at `lastMs` on every window. */
import { decayedTerm, decodeUserFeatures, windowNames, type UserFeatures } from '@recsys/features';

const DAY = 86_400_000;

export function userFeaturesWith(
  counts: { view: number; cart: number; purchase: number },
  lastMs: number,
  nowMs: number,
): UserFeatures {
  const profile: Record<string, string> = {
    first: String(lastMs - 20 * DAY),
    last: String(lastMs),
  };
  for (const [behaviour, count] of Object.entries(counts)) {
    profile[`n:${behaviour}`] = String(count);
    for (const window of windowNames) {
      const term = decayedTerm({ behaviour: behaviour as 'view', window }, lastMs, count);
      profile[term.field] = String(term.weight);
    }
  }
  return decodeUserFeatures(
    { profile, categoryAffinity: {}, brandAffinity: {}, sequence: [] },
    nowMs,
  );
}
