/**
 * The preprocessor's in-memory user states: a bounded LRU (Map insertion order), so memory is bounded
 * by its capacity whatever the traffic. A miss is read from Redis by the feature writer; a hit saves that
 * read. Counts hits, misses and evictions for the metrics.
 */
import type { UserStateCache } from '@recsys/feature-store';
import type { UserState } from '@recsys/features';

export interface CacheCounts {
  hits: number;
  misses: number;
  evictions: number;
  size: number;
}

export class LruUserStateCache implements UserStateCache {
  private readonly states = new Map<string, UserState>();
  private readonly counts = { hits: 0, misses: 0, evictions: 0 };

  /** @param capacity users held at most (FEATURE_USER_CACHE_SIZE). */
  constructor(private readonly capacity: number) {}

  get(userKey: string): UserState | undefined {
    const state = this.states.get(userKey);
    if (state === undefined) {
      this.counts.misses += 1;
      return undefined;
    }
    this.counts.hits += 1;
    // Most recently used last: re-insert.
    this.states.delete(userKey);
    this.states.set(userKey, state);
    return state;
  }

  set(userKey: string, state: UserState): void {
    this.states.delete(userKey);
    this.states.set(userKey, state);
    while (this.states.size > this.capacity) {
      const oldest = this.states.keys().next().value as string;
      this.states.delete(oldest);
      this.counts.evictions += 1;
    }
  }

  delete(userKey: string): void {
    this.states.delete(userKey);
  }

  /** Forgets every user (a partition was revoked, or a test). */
  clear(): void {
    this.states.clear();
  }

  /** Counts since start (monotonic, for counters) and the current size. */
  snapshot(): CacheCounts {
    return { ...this.counts, size: this.states.size };
  }
}
