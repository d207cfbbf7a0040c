/**
 * Which of the shoppers an offer request names were erased: an erased shopper is never listed in an
 * offer answer. Erasure is not an opt-out, though: a shopper whose features all date from after their
 * latest erasure (the preprocessor applies nothing older) has a new history and is considered again.
 * A shopper without features since the erasure (including one whose consent refusal the tombstone
 * still carries: their events are skipped) stays out.
 */
import type { ErasureStore } from '@recsys/feature-store';

export interface ShopperHistory {
  userKey: string;
  /** The first event (ms) of the features read; undefined when the store holds none. */
  firstSeenMs: number | undefined;
}

/** True when the features read belong to a history that began after the latest erasure. */
export function isNewHistory(
  erasedAtMs: number | undefined,
  firstSeenMs: number | undefined,
): boolean {
  if (erasedAtMs === undefined) return true;
  return firstSeenMs !== undefined && firstSeenMs > erasedAtMs;
}

/**
 * The user keys of `shoppers` that are erased (and have no new history). Call after reading their
 * features: an erasure between the two reads then finds the pre-erasure features, and excludes them.
 */
export async function erasedShoppersOf(
  erasures: Pick<ErasureStore, 'erasedAtOf' | 'subjects'>,
  shoppers: readonly ShopperHistory[],
): Promise<Set<string>> {
  const subjects = shoppers.map((shopper) => erasures.subjects.subjectOf(shopper.userKey));
  const erasedAt = await erasures.erasedAtOf(subjects);
  return new Set(
    shoppers
      .filter((shopper, index) => !isNewHistory(erasedAt[index], shopper.firstSeenMs))
      .map((shopper) => shopper.userKey),
  );
}
