import { AppError } from '@recsys/contracts';
import { integrationEnvironment, redisTargets, testNamespace, waitFor } from '@recsys/testing';
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

  it('without re-sending: fails what a lost connection left unanswered, counts the loss, then serves again', async () => {
    const writer = new RedisConnection(
      { url: environment.redisUrl, keyPrefix: first.redisKeyPrefix, connectTimeoutMs: 2_000 },
      { resendAfterReconnect: false },
    );
    await writer.connect();
    try {
      const id = await writer.client.client('ID');
      const losses = writer.connectionLosses;
      // A command in flight (blocked for 3 s) when the server drops the connection.
      const inFlight = writer.run('wait on a list', (client) => client.blpop('nothing-arrives', 3));
      const outcome = inFlight.then(
        () => 'answered',
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await a.client.client('KILL', 'ID', String(id));
      // Settled, as unavailable, well before the 3 s the server would have answered after.
      expect(await outcome).toMatchObject({ code: 'REDIS_UNAVAILABLE', retriable: true });
      await waitFor(() => (writer.client.status === 'ready' ? true : undefined), {
        description: 'the writer to reconnect',
      });
      expect(writer.connectionLosses).toBeGreaterThan(losses);
      await expect(writer.run('ping', (client) => client.ping())).resolves.toBe('PONG');
    } finally {
      await writer.disconnect();
    }
  });
});

describe.each(redisTargets(integrationEnvironment()))(
  'RedisConnection.readGroups on a real $name',
  (target) => {
    const namespace = testNamespace('read-groups');
    const redis = new RedisConnection(target.config(namespace.redisKeyPrefix));

    beforeAll(async () => {
      await redis.connect();
      await redis.client.hset('{g:1}:h', { a: '1', b: '2' });
      await redis.client.set('{g:1}:s', 'one');
      await redis.client.set('{g:2}:s', 'two');
    });

    afterAll(async () => {
      await redis.disconnect();
    });

    it('answers each group in order, with the named commands’ replies (a hash as an object)', async () => {
      const replies = await redis.readGroups('read groups', [
        [
          ['hgetall', '{g:1}:h'],
          ['get', '{g:1}:s'],
        ],
        [['get', '{g:2}:s']],
        [['hgetall', '{g:2}:absent']],
        [['get', '{g:3}:absent']],
      ]);
      expect(replies).toEqual([[{ a: '1', b: '2' }, 'one'], ['two'], [{}], [null]]);
    });

    it('throws a reply error instead of returning it as data', async () => {
      await expect(
        redis.readGroups('read groups', [[['get', '{g:1}:s']], [['hgetall', '{g:1}:s']]]),
      ).rejects.toThrow(/WRONGTYPE/);
    });
  },
);

describe('RedisConnection on one node of a real Redis Cluster', () => {
  const nodes = integrationEnvironment().redisClusterNodes!.split(',');

  it('turns a reply that a slot is served elsewhere (MOVED) into a retriable REDIS_UNAVAILABLE', async () => {
    const cluster = new RedisConnection({
      url: `redis://${nodes[0]!}`,
      keyPrefix: testNamespace('moved').redisKeyPrefix,
      connectTimeoutMs: 2_000,
      clusterNodes: nodes.map((node) => ({
        host: node.split(':')[0]!,
        port: Number(node.split(':')[1]),
      })),
    });
    await cluster.connect();
    // A key whose slot another primary serves, asked of the first node as if it were one Redis.
    const key = ['{m:0}', '{m:1}', '{m:2}', '{m:3}', '{m:4}', '{m:5}'].find(
      (candidate) => cluster.primaryOf(candidate) !== nodes[0],
    )!;
    await cluster.disconnect();
    expect(key).toBeDefined();
    const single = new RedisConnection({
      url: `redis://${nodes[0]!}`,
      keyPrefix: 'moved:',
      connectTimeoutMs: 2_000,
    });
    await single.connect();
    try {
      await expect(
        single.run('read a moved key', (client) => client.get(key)),
      ).rejects.toMatchObject({
        code: 'REDIS_UNAVAILABLE',
        retriable: true,
        message: expect.stringContaining('MOVED'),
      });
      // Other reply errors are bugs and pass through unchanged.
      await expect(
        single.run('wrong command', (client) => client.call('NOSUCHCOMMAND')),
      ).rejects.toMatchObject({ name: 'ReplyError' });
    } finally {
      await single.disconnect();
    }
  });
});
