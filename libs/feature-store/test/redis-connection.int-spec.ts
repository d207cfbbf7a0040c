import { AppError } from '@recsys/contracts';
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import { RedisConnection } from '../src';

describe('RedisConnection on a real Redis', () => {
  const environment = integrationEnvironment();
  const connect = async (keyPrefix: string) => {
    const connection = new RedisConnection({
      url: environment.redisUrl,
      keyPrefix,
      connectTimeoutMs: 2_000,
    });
    await connection.connect();
    return connection;
  };
  const first = testNamespace('redis-a');
  const second = testNamespace('redis-b');
  let a: RedisConnection;
  let b: RedisConnection;

  beforeAll(async () => {
    [a, b] = await Promise.all([connect(first.redisKeyPrefix), connect(second.redisKeyPrefix)]);
  });

  afterAll(async () => {
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it('reports healthy once connected', async () => {
    await expect(a.isHealthy()).resolves.toBe(true);
  });

  it('keeps each prefix apart: the same logical key holds different values', async () => {
    await a.client.set('user:1', 'from-a');
    await b.client.set('user:1', 'from-b');
    expect(await a.client.get('user:1')).toBe('from-a');
    expect(await b.client.get('user:1')).toBe('from-b');
  });

  it('stores keys physically under the prefix and scans them back without it', async () => {
    await a.client.hset('item:9', { views: '3' });
    const raw = await connect('');
    try {
      expect(await raw.client.hget(`${first.redisKeyPrefix}item:9`, 'views')).toBe('3');
    } finally {
      await raw.disconnect();
    }
    expect((await a.scanKeys('*')).sort()).toEqual(['item:9', 'user:1']);
  });

  it('fails fast with a retriable REDIS_UNAVAILABLE when Redis cannot be reached', async () => {
    const unreachable = new RedisConnection({
      url: 'redis://127.0.0.1:1',
      keyPrefix: 'x:',
      connectTimeoutMs: 500,
    });
    const failure = await unreachable.connect().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'REDIS_UNAVAILABLE', retriable: true });
    await expect(unreachable.isHealthy()).resolves.toBe(false);
    unreachable.client.disconnect();
  });

  it('passes Redis reply errors through unchanged: they are bugs, not outages', async () => {
    await a.client.set('scalar', '1');
    await expect(a.run('hget on a string', (client) => client.hget('scalar', 'x'))).rejects.toThrow(
      /WRONGTYPE/,
    );
  });
});
