/**
 * Per-storefront ingestion budget (events and catalogue items per second), shared by all replicas
 * through Redis.
 *
 * Fail-open by design: when the limiter cannot decide (Redis down, slow, or erroring), the request is
 * admitted and `collector_rate_limit_bypassed_total` counts it. The limit protects capacity; refusing
 * events while Redis is away would turn a Redis incident into lost clickstream, which is the worse
 * failure for an ingestion service (Kafka, not Redis, is what has to be up for events to be safe).
 */
import { Logger } from '@nestjs/common';
import { AppError, isRetriable } from '@recsys/contracts';
import type { RateLimitDecision } from '@recsys/feature-store';
import type { CollectorMetrics } from '../metrics/collector-metrics';

export interface StorefrontLimiter {
  consume(request: { subject: string; units: number }): Promise<RateLimitDecision>;
}

export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class IngestQuota {
  private readonly logger = new Logger('rate-limit');
  private bypassing = false;

  constructor(
    private readonly limiter: StorefrontLimiter,
    private readonly metrics: CollectorMetrics,
  ) {}

  /** Counts `units` against the storefront's budget. Non-retriable limiter errors propagate. */
  async admit(request: { storefront: string; units: number }): Promise<Admission> {
    let decision: RateLimitDecision;
    try {
      decision = await this.limiter.consume({ subject: request.storefront, units: request.units });
    } catch (error) {
      if (error instanceof AppError && !isRetriable(error)) throw error;
      this.bypass(error);
      return { allowed: true };
    }
    this.recovered();
    if (decision.allowed) return { allowed: true };
    this.metrics.requestsRateLimited.inc({ storefront: request.storefront });
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1_000)),
    };
  }

  private bypass(error: unknown): void {
    const reason = error instanceof AppError ? error.code.toLowerCase() : 'limiter_error';
    this.metrics.rateLimitBypassed.inc({ reason });
    if (this.bypassing) return;
    this.bypassing = true;
    this.logger.warn(
      `rate limits not enforced (failing open) until the limiter answers: ${String(error)}`,
    );
  }

  private recovered(): void {
    if (!this.bypassing) return;
    this.bypassing = false;
    this.logger.log('rate limits enforced again');
  }
}

/** The 429 error for a refused admission (the caller sets the Retry-After header). */
export function rateLimitedError(storefront: string, retryAfterSeconds: number): AppError {
  return new AppError(
    'RATE_LIMITED',
    `storefront ${storefront} is over its rate limit; retry after ${retryAfterSeconds} s`,
    { details: { retryAfterSeconds } },
  );
}
