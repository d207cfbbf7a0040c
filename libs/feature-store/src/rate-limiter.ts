/**
 * Shared rate limits kept in Redis, so every replica of a service counts against the same budget.
 *
 * Algorithm: a sliding-window counter. Each subject has one hash holding the index of the current
 * window and the units counted in it and in the window before. A request of `units` is admitted when
 *   previous × (share of the previous window still inside the sliding window) + current + units ≤ limit,
 * which smooths the double burst a fixed window allows at its boundary. The check and the increment run
 * in one Lua script (atomic), on Redis' clock (replicas with skewed clocks agree), and touch one key per
 * subject (cluster-safe). Refused requests consume nothing.
 *
 * Key layout (../FORMAT.md, "Rate limits (v1)"): `<connection prefix>ratelimit:v1:<subject>`, a hash with
 * fields `window`, `current`, `previous`, expiring two windows after its last admitted request.
 */
import { createHash } from 'node:crypto';
import { AppError } from '@recsys/contracts';
import { rateLimitKeys } from './keys';
import type { RedisConnection } from './redis-connection';

export interface RateLimiterOptions {
  /** Units admitted per window, per subject. */
  limit: number;
  /** Length of the window. @default 1000 */
  windowMs?: number;
  /** A decision that takes longer fails with REDIS_UNAVAILABLE. @default 250 */
  timeoutMs?: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** When a refused request of the same size can expect to pass; 0 when allowed. */
  retryAfterMs: number;
}

/** What the script saw: the counts after its decision and how far into the current window it ran. */
export interface WindowState {
  currentUnits: number;
  previousUnits: number;
  elapsedMs: number;
}

const DEFAULT_WINDOW_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 250;

/** The rate-limit key of a subject (built in keys.ts). */
export function rateLimitKey(subject: string): string {
  return rateLimitKeys.window(subject);
}

const SLIDING_WINDOW_SCRIPT = `
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local units = tonumber(ARGV[3])
local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = math.floor(now_ms / window_ms)
local state = redis.call('HMGET', KEYS[1], 'window', 'current', 'previous')
local stored_window = tonumber(state[1])
local current = tonumber(state[2]) or 0
local previous = tonumber(state[3]) or 0
if stored_window == window - 1 then
  previous = current
  current = 0
elseif stored_window ~= window then
  previous = 0
  current = 0
end
local elapsed_ms = now_ms - window * window_ms
local estimate = previous * (window_ms - elapsed_ms) / window_ms + current
local allowed = 0
if estimate + units <= limit then
  allowed = 1
  current = current + units
  redis.call('HSET', KEYS[1], 'window', window, 'current', current, 'previous', previous)
  redis.call('PEXPIRE', KEYS[1], window_ms * 2)
end
return {allowed, current, previous, elapsed_ms}
`;
/** `{allowed (1/0), current units, previous units, ms elapsed in the current window}`. */
type ScriptReply = [number, number, number, number];

const SCRIPT_SHA1 = createHash('sha1').update(SLIDING_WINDOW_SCRIPT).digest('hex');

export class RedisRateLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly connection: RedisConnection,
    options: RateLimiterOptions,
  ) {
    this.limit = options.limit;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Counts `units` against `subject`'s budget if they fit. Fails with a retriable REDIS_UNAVAILABLE
   * (immediately while disconnected, else after `timeoutMs`) so the caller can choose its policy.
   */
  async consume(request: { subject: string; units: number }): Promise<RateLimitDecision> {
    if (!Number.isInteger(request.units) || request.units < 1 || request.units > this.limit) {
      throw new AppError(
        'BATCH_TOO_LARGE',
        `${request.units} units can never fit a limit of ${this.limit} per ${this.windowMs} ms`,
        { details: { units: request.units, limit: this.limit } },
      );
    }
    if (this.connection.client.status !== 'ready') {
      throw new AppError('REDIS_UNAVAILABLE', 'rate limiter: Redis is not connected');
    }
    const reply = await withTimeout(
      this.connection.run('rate limit', () => this.runScript(request)),
      this.timeoutMs,
    );
    const [allowed, currentUnits, previousUnits, elapsedMs] = reply;
    if (allowed === 1) return { allowed: true, retryAfterMs: 0 };
    const state = { currentUnits, previousUnits, elapsedMs };
    return {
      allowed: false,
      retryAfterMs: retryAfterMs({
        limit: this.limit,
        windowMs: this.windowMs,
        units: request.units,
        state,
      }),
    };
  }

  private async runScript(request: { subject: string; units: number }): Promise<ScriptReply> {
    const key = rateLimitKey(request.subject);
    const args = [this.limit, this.windowMs, request.units];
    const client = this.connection.client;
    try {
      return (await client.evalsha(SCRIPT_SHA1, 1, key, ...args)) as ScriptReply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await client.eval(SLIDING_WINDOW_SCRIPT, 1, key, ...args)) as ScriptReply;
    }
  }
}

/**
 * How long until a refused request of `units` fits, given what the script saw. Mirrors the script's
 * estimate: either the previous window's weight has to fade (the current window still has room), or the
 * current window has to become the previous one and fade enough.
 */
export function retryAfterMs(input: {
  limit: number;
  windowMs: number;
  units: number;
  state: WindowState;
}): number {
  const { limit, windowMs, units, state } = input;
  let waitMs: number;
  if (state.currentUnits + units <= limit && state.previousUnits > 0) {
    const room = limit - state.currentUnits - units;
    const fadedAtMs = windowMs * (1 - room / state.previousUnits);
    waitMs = fadedAtMs - state.elapsedMs;
  } else {
    const untilNextWindowMs = windowMs - state.elapsedMs;
    const fadedAtMs =
      state.currentUnits > 0 ? windowMs * (1 - (limit - units) / state.currentUnits) : 0;
    waitMs = untilNextWindowMs + Math.max(0, fadedAtMs);
  }
  return Math.max(1, Math.ceil(waitMs));
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError('REDIS_UNAVAILABLE', `rate limiter did not answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
