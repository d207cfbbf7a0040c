import { Registry } from 'prom-client';
import { AppError } from '@recsys/contracts';
import type { RateLimitDecision } from '@recsys/feature-store';
import { CollectorMetrics } from '../metrics/collector-metrics';
import { IngestQuota, rateLimitedError, type StorefrontLimiter } from './ingest-quota';

class ScriptedLimiter implements StorefrontLimiter {
  readonly calls: Array<{ subject: string; units: number }> = [];
  next: RateLimitDecision | Error = { allowed: true, retryAfterMs: 0 };

  async consume(request: { subject: string; units: number }): Promise<RateLimitDecision> {
    this.calls.push(request);
    if (this.next instanceof Error) throw this.next;
    return this.next;
  }
}

function setup() {
  const limiter = new ScriptedLimiter();
  const metrics = new CollectorMetrics(new Registry());
  return { limiter, metrics, quota: new IngestQuota(limiter, metrics) };
}

describe('IngestQuota', () => {
  it('counts the events of a request against its storefront', async () => {
    const { limiter, quota } = setup();
    await expect(quota.admit({ storefront: 'shop-1', units: 7 })).resolves.toEqual({
      allowed: true,
    });
    expect(limiter.calls).toEqual([{ subject: 'shop-1', units: 7 }]);
  });

  it('refuses over the limit with whole seconds to wait (rounded up) and counts the refusal', async () => {
    const { limiter, metrics, quota } = setup();
    limiter.next = { allowed: false, retryAfterMs: 1_200 };
    await expect(quota.admit({ storefront: 'shop-1', units: 1 })).resolves.toEqual({
      allowed: false,
      retryAfterSeconds: 2,
    });
    limiter.next = { allowed: false, retryAfterMs: 3 };
    await expect(quota.admit({ storefront: 'shop-1', units: 1 })).resolves.toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
    expect((await metrics.requestsRateLimited.get()).values).toEqual([
      expect.objectContaining({ labels: { storefront: 'shop-1' }, value: 2 }),
    ]);
  });

  it.each([
    [
      'Redis is unreachable',
      new AppError('REDIS_UNAVAILABLE', 'connection refused'),
      'redis_unavailable',
    ],
    ['the limiter fails unexpectedly', new Error('ERR script bug'), 'limiter_error'],
  ])('fails open when %s, counting every bypassed request', async (_case, failure, reason) => {
    const { limiter, metrics, quota } = setup();
    limiter.next = failure;
    await expect(quota.admit({ storefront: 'shop-1', units: 5 })).resolves.toEqual({
      allowed: true,
    });
    await expect(quota.admit({ storefront: 'shop-1', units: 5 })).resolves.toEqual({
      allowed: true,
    });
    expect((await metrics.rateLimitBypassed.get()).values).toEqual([
      expect.objectContaining({ labels: { reason }, value: 2 }),
    ]);
  });

  it('enforces limits again once the limiter answers', async () => {
    const { limiter, quota } = setup();
    limiter.next = new AppError('REDIS_UNAVAILABLE', 'down');
    await quota.admit({ storefront: 'shop-1', units: 1 });
    limiter.next = { allowed: false, retryAfterMs: 500 };
    await expect(quota.admit({ storefront: 'shop-1', units: 1 })).resolves.toMatchObject({
      allowed: false,
    });
  });

  it('passes a non-retriable limiter error on (a batch that can never fit is a 413, not a bypass)', async () => {
    const { limiter, quota } = setup();
    limiter.next = new AppError('BATCH_TOO_LARGE', 'too many units');
    await expect(quota.admit({ storefront: 'shop-1', units: 9_999 })).rejects.toMatchObject({
      code: 'BATCH_TOO_LARGE',
    });
  });
});

describe('rateLimitedError', () => {
  it('is a retriable RATE_LIMITED naming the wait', () => {
    expect(rateLimitedError('shop-1', 2)).toMatchObject({
      code: 'RATE_LIMITED',
      retriable: true,
      details: { retryAfterSeconds: 2 },
    });
  });
});
