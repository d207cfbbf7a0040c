/** What the ingestion controllers share: admission against the rate limit and the batch response. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@recsys/contracts';
import { storefrontOf } from '../auth/authentication.hook';
import { rateLimitedError, type IngestQuota } from '../rate-limit/ingest-quota';
import type { ErrorResponseBody, IngestResult } from './ingest-response';

/** Counts the request's events or items against its storefront's budget; 429 with Retry-After if over. */
export async function admitRequest(input: {
  quota: IngestQuota;
  request: FastifyRequest;
  reply: FastifyReply;
  units: number;
}): Promise<void> {
  const storefront = storefrontOf(input.request);
  const admission = await input.quota.admit({ storefront, units: input.units });
  if (admission.allowed) return;
  void input.reply.header('Retry-After', String(admission.retryAfterSeconds));
  throw rateLimitedError(storefront, admission.retryAfterSeconds);
}

/** 202 when at least one value was accepted (rejected ones are listed); 400 with every reason if none. */
export function batchResponse(
  result: IngestResult,
  options: { reply: FastifyReply; code: ErrorCode; noun: string },
): IngestResult | ErrorResponseBody {
  if (result.accepted > 0) return result;
  void options.reply.status(400);
  return {
    ...result,
    error: {
      code: options.code,
      message: `no ${options.noun} in the request was valid`,
      retriable: false,
    },
  };
}
