import { NOTHING_STORED, userStateOf, type UserState } from '@recsys/features';
import { LruUserStateCache } from './user-state-cache';

const state = (userKey: string): UserState => userStateOf(userKey, NOTHING_STORED);

describe('LruUserStateCache', () => {
  it('evicts the least recently used user beyond its capacity and counts hits, misses, evictions', () => {
    const cache = new LruUserStateCache(2);
    cache.set('a', state('a'));
    cache.set('b', state('b'));
    expect(cache.get('a')?.userKey).toBe('a');
    cache.set('c', state('c'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.userKey).toBe('a');
    expect(cache.get('c')?.userKey).toBe('c');
    expect(cache.snapshot()).toEqual({ hits: 3, misses: 1, evictions: 1, size: 2 });
  });

  it('forgets a deleted user', () => {
    const cache = new LruUserStateCache(10);
    cache.set('a', state('a'));
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
