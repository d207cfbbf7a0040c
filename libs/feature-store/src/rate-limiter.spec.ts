import { AppError } from '@recsys/contracts';
import { RedisRateLimiter, rateLimitKey, retryAfterMs } from './rate-limiter';
import { RedisConnection } from './redis-connection';

describe('retryAfterMs', () => {
  const limit = 10;
  const windowMs = 1_000;

  it('waits for the previous window to fade when the current one still has room', () => {
    // 8 units last window, 2 now, 250 ms in: estimate 8 × 0.75 + 2 = 8; 4 more need the weight ≤ 4.
    const wait = retryAfterMs({
      limit,
      windowMs,
      units: 4,
      state: { currentUnits: 2, previousUnits: 8, elapsedMs: 250 },
    });
    // 8 × (1 − t) ≤ 4 → t ≥ 500 ms; 250 ms are gone.
    expect(wait).toBe(250);
  });

  it('waits into the next window when the current one alone is full', () => {
    // 9 now, 600 ms in; 3 more need the next window, where 9 × (1 − t) + 3 ≤ 10 → t ≥ 2/9 of it.
    const wait = retryAfterMs({
      limit,
      windowMs,
      units: 3,
      state: { currentUnits: 9, previousUnits: 0, elapsedMs: 600 },
    });
    expect(wait).toBe(400 + Math.ceil((1_000 * 2) / 9));
  });

  it('waits only until the next window when the current count fades fast enough', () => {
    const wait = retryAfterMs({
      limit,
      windowMs,
      units: 1,
      state: { currentUnits: 10, previousUnits: 0, elapsedMs: 900 },
    });
    // 10 × (1 − t) + 1 ≤ 10 → t ≥ 100 ms into the next window.
    expect(wait).toBe(100 + 100);
  });

  it('never answers less than 1 ms', () => {
    expect(
      retryAfterMs({
        limit,
        windowMs,
        units: 1,
        state: { currentUnits: 9, previousUnits: 1, elapsedMs: 999 },
      }),
    ).toBe(1);
  });
});

describe('RedisRateLimiter without Redis', () => {
  const connection = new RedisConnection({
    url: 'redis://127.0.0.1:1',
    keyPrefix: 'unit:',
    connectTimeoutMs: 100,
  });
  const limiter = new RedisRateLimiter(connection, { limit: 5 });

  afterAll(() => connection.client.disconnect());

  it('fails fast with a retriable REDIS_UNAVAILABLE while not connected, so callers pick a policy', async () => {
    const failure = await limiter.consume({ subject: 'shop-1', units: 1 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'REDIS_UNAVAILABLE', retriable: true });
  });

  it.each([0, 6, 1.5])('refuses %p units: it could never fit a limit of 5', async (units) => {
    await expect(limiter.consume({ subject: 'shop-1', units })).rejects.toMatchObject({
      code: 'BATCH_TOO_LARGE',
    });
  });

  it('builds versioned keys per subject', () => {
    expect(rateLimitKey('shop-1')).toBe('ratelimit:v1:shop-1');
  });
});
