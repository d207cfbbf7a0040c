/**
 * One batch to the collector's HTTP API, retried until it is answered. Back-pressure (429, 503) is
 * retried for as long as it lasts, honouring Retry-After, so a replay never drops a batch; network errors
 * and other 5xx are retried a bounded number of times, then the replay stops with an error. Other 4xx
 * answers count the rejected records (from the `{accepted, rejected:[…]}` body when there is one).
 */

export interface BatchOutcome {
  accepted: number;
  rejected: number;
  /** Rejections by error code (collector `rejected[].code`, else `HTTP <status>`). */
  reasons: Record<string, number>;
  retries: number;
}

export interface CollectorClientOptions {
  /** Sent as `x-write-key` when set. */
  writeKey?: string | undefined;
  /** Attempts for network errors and 5xx other than 503 before giving up. @default 8 */
  maxAttempts?: number;
  /** Longest wait taken from Retry-After (and the backoff cap). @default 60000 */
  maxRetryWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

const BACKOFF_START_MS = 500;
const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_MAX_RETRY_WAIT_MS = 60_000;

export const sleepMs = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export async function postBatch(
  request: { url: string; body: string; count: number },
  options: CollectorClientOptions = {},
): Promise<BatchOutcome> {
  const sleep = options.sleep ?? sleepMs;
  const maxWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  let failures = 0;
  let retries = 0;
  for (;;) {
    const answer = await send(request, options.writeKey);
    const verdict = judge(answer, {
      count: request.count,
      failures,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    });
    if (verdict.kind === 'done') return { ...verdict.outcome, retries };
    if (verdict.kind === 'fatal') throw new ReplayError(`${request.url}: ${verdict.message}`);
    if (verdict.kind === 'failed') failures += 1;
    retries += 1;
    const backoffMs = BACKOFF_START_MS * 2 ** Math.min(retries - 1, 16);
    await sleep(Math.min(maxWaitMs, verdict.retryAfterMs ?? backoffMs));
  }
}

type Answer = { status: number; retryAfter: string | null; body: string } | { error: string };

async function send(
  request: { url: string; body: string },
  writeKey: string | undefined,
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (writeKey !== undefined) headers['x-write-key'] = writeKey;
  try {
    const response = await fetch(request.url, { method: 'POST', headers, body: request.body });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: await response.text(),
    };
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { error: `${error instanceof Error ? error.message : String(error)}${cause}` };
  }
}

type Verdict =
  | { kind: 'done'; outcome: Omit<BatchOutcome, 'retries'> }
  | { kind: 'retry' | 'failed'; retryAfterMs?: number }
  | { kind: 'fatal'; message: string };

function judge(
  answer: Answer,
  context: { count: number; failures: number; maxAttempts: number },
): Verdict {
  const exhausted = context.failures + 1 >= context.maxAttempts;
  if ('error' in answer) {
    if (!exhausted) return { kind: 'failed' };
    return {
      kind: 'fatal',
      message: `unreachable after ${context.maxAttempts} attempts (${answer.error})`,
    };
  }
  const { status } = answer;
  if (status === 429 || status === 503)
    return { kind: 'retry', ...retryAfterOf(answer.retryAfter) };
  if (status === 401 || status === 403)
    return { kind: 'fatal', message: `HTTP ${status}: the collector refused the write key` };
  if (status >= 200 && status < 500)
    return { kind: 'done', outcome: countsOf(answer.body, { count: context.count, status }) };
  if (!exhausted) return { kind: 'failed' };
  return { kind: 'fatal', message: `HTTP ${status} after ${context.maxAttempts} attempts` };
}

/** Retry-After is delay-seconds or an HTTP date. */
function retryAfterOf(header: string | null): { retryAfterMs?: number } {
  if (header === null || header.trim() === '') return {};
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterMs: seconds * 1000 };
  const date = Date.parse(header);
  return Number.isNaN(date) ? {} : { retryAfterMs: Math.max(0, date - Date.now()) };
}

/** Counts from `{accepted, rejected: [{index, code…}]}`; without such a body a 4xx rejects the whole batch. */
function countsOf(
  body: string,
  answer: { count: number; status: number },
): Omit<BatchOutcome, 'retries'> {
  const parsed = parseBody(body);
  const rejectedList = parsed?.['rejected'];
  if (!Array.isArray(rejectedList)) {
    if (answer.status < 300) return { accepted: answer.count, rejected: 0, reasons: {} };
    const code = errorCodeOf(parsed) ?? `HTTP ${answer.status}`;
    return { accepted: 0, rejected: answer.count, reasons: { [code]: answer.count } };
  }
  const reasons: Record<string, number> = {};
  for (const entry of rejectedList as unknown[]) {
    const code = codeOf(entry) ?? `HTTP ${answer.status}`;
    reasons[code] = (reasons[code] ?? 0) + 1;
  }
  const accepted = parsed?.['accepted'];
  return {
    accepted: typeof accepted === 'number' ? accepted : answer.count - rejectedList.length,
    rejected: rejectedList.length,
    reasons,
  };
}

function parseBody(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `{error: {code}}`, the platform's error body. */
function errorCodeOf(body: Record<string, unknown> | undefined): string | undefined {
  return codeOf(body?.['error']);
}

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  return typeof value.code === 'string' ? value.code : undefined;
}
