/**
 * Decoding of the feature store's stored values into typed features at a point in time. Field names here
 * are the ones libs/feature-store/FORMAT.md specifies (and its Lua writes); the round trip is tested.
 */
import {
  behaviours,
  windowedBehaviours,
  windowNames,
  type Behaviour,
  type WindowName,
} from './feature-spec';
import { decayedCountsAt } from './forward-decay';

export type StoredHash = Readonly<Record<string, string>>;
type WindowedBehaviour = (typeof windowedBehaviours)[number];

/** Field names of the user and item hashes (decayed counters: ./forward-decay.ts). */
export const storedField = {
  count: (behaviour: Behaviour) => `n:${behaviour}`,
} as const;

const num = (hash: StoredHash, field: string): number => {
  const value = Number(hash[field]);
  return Number.isFinite(value) ? value : 0;
};

/** `n:<behaviour>` of every behaviour, built once: countsOf runs for every candidate of every request. */
const COUNT_FIELDS: ReadonlyArray<readonly [Behaviour, string]> = behaviours.map((behaviour) => [
  behaviour,
  storedField.count(behaviour),
]);

export function countsOf(hash: StoredHash): Record<Behaviour, number> {
  const counts = {} as Record<Behaviour, number>;
  for (const [behaviour, field] of COUNT_FIELDS) counts[behaviour] = num(hash, field);
  return counts;
}

/** Every windowed behaviour's decayed counts at `nowMs` (one pass over the hash). */
export function windowedCountsOf(
  hash: StoredHash,
  nowMs: number,
): Record<WindowedBehaviour, Record<WindowName, number>> {
  const decayed = decayedCountsAt(hash, nowMs);
  const counts = {} as Record<WindowedBehaviour, Record<WindowName, number>>;
  for (const behaviour of windowedBehaviours) {
    const perWindow = {} as Record<WindowName, number>;
    for (const window of windowNames)
      perWindow[window] = decayed.get(`${behaviour}:${window}`) ?? 0;
    counts[behaviour] = perWindow;
  }
  return counts;
}

export interface WeightedName {
  name: string;
  score: number;
}

/** Affinity hash (name → accumulated weight) as shares of the total, strongest first. */
export function affinityOf(hash: StoredHash, limit = 10): WeightedName[] {
  const entries = Object.entries(hash).map(([name, value]) => ({ name, score: Number(value) }));
  const total = entries.reduce(
    (sum, entry) => sum + (Number.isFinite(entry.score) ? entry.score : 0),
    0,
  );
  if (total <= 0) return [];
  return entries
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => ({ name: entry.name, score: entry.score / total }));
}

export { num as storedNumber };
