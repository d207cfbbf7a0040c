import { integrationEnvironment, redisTargets, testNamespace } from '@recsys/testing';
import { RedisConnection, RedisRateLimiter, rateLimitKey } from '../src';

describe.each(redisTargets(integrationEnvironment()))(
  'RedisRateLimiter on a real $name',
  (target) => {
    const namespace = testNamespace('rate-limiter');
    const connection = new RedisConnection(target.config(namespace.redisKeyPrefix));

    beforeAll(async () => {
      await connection.connect();
    });

    afterAll(async () => {
      await connection.disconnect();
    });

    it('admits units up to the limit, then refuses with a wait inside two windows', async () => {
      const limiter = new RedisRateLimiter(connection, { limit: 10, windowMs: 60_000 });
      const decisions = [];
      for (const units of [4, 4, 2, 1]) {
        decisions.push(await limiter.consume({ subject: 'fill', units }));
      }
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
      expect(decisions[3]!.retryAfterMs).toBeGreaterThan(0);
      expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(120_000);
    });

    it('does not count refused requests: a smaller request still fits the remaining room', async () => {
      const limiter = new RedisRateLimiter(connection, { limit: 10, windowMs: 60_000 });
      expect((await limiter.consume({ subject: 'room', units: 7 })).allowed).toBe(true);
      expect((await limiter.consume({ subject: 'room', units: 4 })).allowed).toBe(false);
      expect((await limiter.consume({ subject: 'room', units: 3 })).allowed).toBe(true);
    });

    it('keeps subjects apart', async () => {
      const limiter = new RedisRateLimiter(connection, { limit: 3, windowMs: 60_000 });
      expect((await limiter.consume({ subject: 'shop-a', units: 3 })).allowed).toBe(true);
      expect((await limiter.consume({ subject: 'shop-a', units: 1 })).allowed).toBe(false);
      expect((await limiter.consume({ subject: 'shop-b', units: 3 })).allowed).toBe(true);
    });

    it('agrees across connections: two replicas share one budget and no request is double-admitted', async () => {
      const second = new RedisConnection(target.config(namespace.redisKeyPrefix));
      await second.connect();
      try {
        const replicas = [connection, second].map(
          (replica) => new RedisRateLimiter(replica, { limit: 50, windowMs: 60_000 }),
        );
        const decisions = await Promise.all(
          Array.from({ length: 80 }, (_, index) =>
            replicas[index % 2]!.consume({ subject: 'shared', units: 1 }),
          ),
        );
        expect(decisions.filter((decision) => decision.allowed)).toHaveLength(50);
      } finally {
        await second.disconnect();
      }
    });

    /** Sleeps until 20 ms into the next window, by Redis' clock (the one the script uses). */
    async function untilNextWindow(windowMs: number): Promise<void> {
      const [seconds, micros] = (await connection.client.time()).map(Number);
      const nowMs = seconds! * 1_000 + Math.floor(micros! / 1_000);
      await new Promise((resolve) => setTimeout(resolve, windowMs - (nowMs % windowMs) + 20));
    }

    it('slides: right after a window boundary the previous window still counts, unlike a fixed window', async () => {
      const limiter = new RedisRateLimiter(connection, { limit: 10, windowMs: 1_000 });
      await untilNextWindow(1_000);
      expect((await limiter.consume({ subject: 'boundary', units: 10 })).allowed).toBe(true);
      await untilNextWindow(1_000);
      // ~98 % of the previous window's 10 units still weigh in: 9.8 + 5 > 10.
      const refused = await limiter.consume({ subject: 'boundary', units: 5 });
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(300);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
    });

    it('frees the budget as the window slides on', async () => {
      const limiter = new RedisRateLimiter(connection, { limit: 5, windowMs: 200 });
      expect((await limiter.consume({ subject: 'slide', units: 5 })).allowed).toBe(true);
      const refused = await limiter.consume({ subject: 'slide', units: 5 });
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(400);
      await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 20));
      expect((await limiter.consume({ subject: 'slide', units: 5 })).allowed).toBe(true);
    });

    it('keeps one expiring hash per subject under the connection prefix', async () => {
      // A long window: the scan below walks the whole (shared) keyspace and must not outlive the key.
      const limiter = new RedisRateLimiter(connection, { limit: 5, windowMs: 10_000 });
      await limiter.consume({ subject: 'layout', units: 2 });
      const key = rateLimitKey('layout');
      expect(await connection.client.hget(key, 'current')).toBe('2');
      const ttlMs = await connection.client.pttl(key);
      expect(ttlMs).toBeGreaterThan(0);
      expect(ttlMs).toBeLessThanOrEqual(20_000);
      expect(await connection.scanKeys('ratelimit:*')).toEqual(expect.arrayContaining([key]));
    });

    it('reloads its script after SCRIPT FLUSH', async () => {
      const limiter = new RedisRateLimiter(connection, { limit: 5, windowMs: 60_000 });
      // On a cluster the key's primary runs the script: flush every primary.
      for (const primary of connection.primaries()) await primary.script('FLUSH');
      expect((await limiter.consume({ subject: 'flushed', units: 1 })).allowed).toBe(true);
    });
  },
);
