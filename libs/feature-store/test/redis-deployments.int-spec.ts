/**
 * RedisConnection on both deployments: one Redis, and the three-primary Redis Cluster that
 * tools/redis-cluster.sh starts. The same calls must work on either: commands under the key prefix,
 * health, SCAN over every primary, and a refused connection as a retriable REDIS_UNAVAILABLE.
 */
import { AppError } from '@recsys/contracts';
import { integrationEnvironment, redisTargets, testNamespace } from '@recsys/testing';
import { RedisConnection } from '../src';

const KEYS = 300;

describe.each(redisTargets(integrationEnvironment()))('RedisConnection on a $name', (target) => {
  const namespace = testNamespace('redis-connection');
  const connection = new RedisConnection(target.config(namespace.redisKeyPrefix));

  beforeAll(async () => {
    await connection.connect();
  });

  afterAll(async () => {
    await connection.disconnect();
  });

  it('says whether it is a cluster, and reaches every primary', async () => {
    expect(connection.isCluster).toBe(target.name === 'Redis Cluster');
    const primaries = connection.primaries();
    expect(primaries).toHaveLength(target.name === 'Redis Cluster' ? 3 : 1);
    for (const primary of primaries) expect(await primary.ping()).toBe('PONG');
    expect(await connection.isHealthy()).toBe(true);
  });

  it('writes under its prefix and scans every key back, wherever its slot lives', async () => {
    const keys = Array.from({ length: KEYS }, (_, index) => `scan-test:${index}`);
    await connection.run('write the keys', async (client) => {
      for (const key of keys) await client.set(key, key);
    });

    const scanned = await connection.scanKeys('scan-test:*');

    expect(scanned.sort()).toEqual([...keys].sort());
    // Each server holds only its own slots' keys: on a cluster, all three hold some.
    const perPrimary = await Promise.all(
      connection
        .primaries()
        .map((primary) => primary.keys(`${namespace.redisKeyPrefix}scan-test:*`)),
    );
    expect(perPrimary.every((held) => held.length > 0)).toBe(true);
    expect(perPrimary.reduce((sum, held) => sum + held.length, 0)).toBe(KEYS);
    expect(await connection.client.get('scan-test:7')).toBe('scan-test:7');
  });

  it('runs a multi-key transaction when the keys share a hash tag', async () => {
    const [first, second] = ['tagged:{shopper-1}:a', 'tagged:{shopper-1}:b'];
    const replies = await connection.client.multi().incr(first).incrby(second, 5).exec();
    expect(replies?.map(([error, value]) => [error, value])).toEqual([
      [null, 1],
      [null, 5],
    ]);
  });

  it('answers a refused connection with a retriable REDIS_UNAVAILABLE', async () => {
    const unreachable = new RedisConnection({
      ...target.config(namespace.redisKeyPrefix),
      url: 'redis://127.0.0.1:1',
      ...(target.name === 'Redis Cluster'
        ? { clusterNodes: [{ host: '127.0.0.1', port: 1 }] }
        : {}),
      connectTimeoutMs: 500,
    });
    try {
      const failure = await unreachable.connect().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'REDIS_UNAVAILABLE', retriable: true });
      expect(await unreachable.isHealthy()).toBe(false);
    } finally {
      await unreachable.disconnect();
    }
  });
});
