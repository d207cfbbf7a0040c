/**
 * The generic executor of the write path on one Redis (many groups per script run) and on a Redis
 * Cluster (one group per run): every operation it knows, and a guard that refuses one group among others
 * leaves that group's keys untouched while the others are applied.
 */
import { FlushWrites } from '@recsys/features';
import { integrationEnvironment, redisTargets, testNamespace } from '@recsys/testing';
import { RedisConnection, featureKeys } from '../src';
import { WriteExecutor, type GuardedGroup } from '../src/writes/write-executor';

const environment = integrationEnvironment();

describe.each(redisTargets(environment))('WriteExecutor on $name', (target) => {
  const namespace = testNamespace('write-executor');
  let redis: RedisConnection;
  let executor: WriteExecutor;

  beforeAll(async () => {
    redis = new RedisConnection(target.config(namespace.redisKeyPrefix));
    await redis.connect();
    executor = new WriteExecutor(redis);
  });

  afterAll(async () => {
    await redis.disconnect();
  });

  const guarded = (group: GuardedGroup['group'], expected: string, next: string): GuardedGroup => ({
    group,
    guard: { checks: [['o', expected]], sets: [['o', next]], ttlSeconds: 600 },
  });

  it('applies every operation of many groups (up to a hundred per script run on one Redis), each under its own guard', async () => {
    const writes = new FlushWrites();
    const users = Array.from({ length: 150 }, (_, index) => `u-${index}`);
    for (const userKey of users) {
      writes
        .user(userKey)
        .increment('profile', 'n:view', 2)
        .setField('profile', 'last', '1000')
        .setFieldIfAbsent('profile', 'first', '900')
        .sortedSetIncrement('categories', 'Garden', { by: 1.5, keep: 10 })
        .listPush('sequence', 'sku-1', 3)
        .listPush('sequence', 'sku-2', 3)
        .expire('profile', 600)
        .setValue('state', `packed-${userKey}`)
        .expire('state', 700);
    }
    writes.item('sku-1').sortedSetAdd('coVisitation', 'sku-2', { score: 4, keep: 1 });
    writes.item('sku-1').sortedSetAdd('coVisitation', 'sku-3', { score: 7, keep: 1 });
    const groups = [
      ...users.map((userKey) => guarded(writes.user(userKey), '', '5')),
      guarded(writes.item('sku-1'), '', '5'),
    ];

    await expect(executor.executeAll(groups)).resolves.toEqual([]);

    const last = users.at(-1)!;
    expect(await redis.client.hgetall(featureKeys.userProfile(last))).toEqual({
      'n:view': '2',
      last: '1000',
      first: '900',
    });
    expect(await redis.client.ttl(featureKeys.userProfile(last))).toBeGreaterThan(500);
    expect(
      await redis.client.zrange(featureKeys.userCategories(last), 0, -1, 'WITHSCORES'),
    ).toEqual(['Garden', '1.5']);
    expect(await redis.client.lrange(featureKeys.userSequence(last), 0, -1)).toEqual([
      'sku-2',
      'sku-1',
    ]);
    expect(await redis.client.get(featureKeys.userState(last))).toBe(`packed-${last}`);
    expect(await redis.client.ttl(featureKeys.userState(last))).toBeGreaterThan(600);
    expect(await redis.client.hget(featureKeys.userGuard(last), 'o')).toBe('5');
    // `keep: 1` trims the sorted set to its highest member.
    expect(
      await redis.client.zrange(featureKeys.coVisitation('sku-1'), 0, -1, 'WITHSCORES'),
    ).toEqual(['sku-3', '7']);
  });

  it('refuses exactly the groups whose guard moved, writing nothing of theirs', async () => {
    const writes = new FlushWrites();
    const ids = ['g-1', 'g-2', 'g-3'];
    for (const id of ids) writes.user(id).increment('profile', 'n:cart', 1);
    await redis.client.hset(featureKeys.userGuard('g-2'), 'o', '9');

    const refused = await executor.executeAll(ids.map((id) => guarded(writes.user(id), '', '10')));

    expect(refused.map(({ group }) => group.id)).toEqual(['g-2']);
    expect(await redis.client.hget(featureKeys.userProfile('g-1'), 'n:cart')).toBe('1');
    expect(await redis.client.hget(featureKeys.userProfile('g-3'), 'n:cart')).toBe('1');
    expect(await redis.client.exists(featureKeys.userProfile('g-2'))).toBe(0);
    expect(await redis.client.hget(featureKeys.userGuard('g-2'), 'o')).toBe('9');
  });
});
