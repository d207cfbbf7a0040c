/**
 * Exploration: a small share of the slots goes to new items the ranker has no history for, so they can
 * earn some. Picks and positions come from a generator seeded by the request, so the same request gets
 * the same list (reproducible tests, stable pages on reload). The first slot is never given away.
 */

/** A deterministic generator of numbers in [0, 1) (FNV-1a hash of the seed, then mulberry32). */
export function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let index = 0; index < seed.length; index += 1) {
    state ^= seed.charCodeAt(index);
    state = Math.imul(state, 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Slots for exploration in a list of k: share × k on average (the fraction decided by the draw). */
export function explorationSlots(k: number, share: number, random: () => number): number {
  const expected = Math.max(0, share) * k;
  const whole = Math.floor(expected + 1e-9);
  return whole + (random() < expected - whole ? 1 : 0);
}

export interface ExplorationInput<T> {
  /** The ranked, diversified list (at most k). */
  readonly list: readonly T[];
  /** Exploration candidates not already in the list, best first. */
  readonly pool: readonly T[];
  readonly k: number;
  readonly share: number;
  readonly random: () => number;
}

/**
 * The list with `explorationSlots` picks from the pool inserted at drawn positions after the first; the
 * ranked tail makes room for them, so the result still has at most k entries.
 */
export function withExploration<T>(input: ExplorationInput<T>): { list: T[]; explored: T[] } {
  const drawn = explorationSlots(input.k, input.share, input.random);
  const slots = Math.min(drawn, input.pool.length, Math.max(0, input.k - 1));
  if (slots === 0 || input.list.length === 0)
    return { list: input.list.slice(0, input.k), explored: [] };
  const pool = [...input.pool];
  const list = input.list.slice(0, input.k - slots);
  const explored: T[] = [];
  for (let pick = 0; pick < slots; pick += 1) {
    const [chosen] = pool.splice(Math.floor(input.random() * pool.length), 1);
    if (chosen === undefined) break;
    list.splice(1 + Math.floor(input.random() * list.length), 0, chosen);
    explored.push(chosen);
  }
  return { list, explored };
}
