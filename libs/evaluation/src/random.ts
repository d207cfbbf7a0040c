/**
 * Seeded randomness for sampling cases, negatives and bootstrap resamples: the same seed gives the same
 * evaluation on every machine (Math.random is never used in this library).
 */

// Global lookups are slow inside a vm context (Jest's sandbox); hot loops use module-level bindings.
const imul = Math.imul;
const floor = Math.floor;

/** A uniform generator in [0, 1) (mulberry32: 32-bit state, fast, good enough for sampling). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** 32-bit FNV-1a of a text mixed with a seed: a stable, order-independent sampling key. */
export function stableHash(text: string, seed = 0): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = imul(hash, 0x01000193) >>> 0;
  }
  // A final avalanche, so keys that differ only in their last characters still spread evenly.
  hash ^= hash >>> 16;
  hash = imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  return hash >>> 0;
}

/** An integer in [0, size) from a uniform generator. */
export function randomIndex(uniform: () => number, size: number): number {
  // uniform() < 1, so the product stays below size for any realistic size.
  return floor(uniform() * size);
}
