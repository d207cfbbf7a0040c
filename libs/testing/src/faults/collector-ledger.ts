/**
 * A storefront that keeps books: posts events to the collector as a well-behaved client would (a 503 or
 * 429 is retried with the same event ids after its Retry-After) and records, from the collector's own
 * answers, the id of every event it accepted — the ledger the feature store is checked against — and
 * every answer's status, error code and time.
 */

export interface CollectorAnswer {
  /** HTTP status; 0 when the request failed without an answer (a hang past the client timeout, a reset). */
  status: number;
  /** When the request was sent (ms since epoch) and how long the answer took. */
  sentAtMs: number;
  ms: number;
  code?: string;
  retriable?: boolean;
  retryAfter?: string;
}

export interface CollectorLedgerOptions {
  /** Read before every request: a test may restart the collector elsewhere. */
  collectorUrl: () => string;
  writeKey: string;
  /** A request unanswered this long counts as a hang (status 0) and is retried. @default 30000 */
  requestTimeoutMs?: number;
  /** Waits at most this long whatever Retry-After says. @default 10000 */
  maxRetryAfterMs?: number;
  /** Gives up a batch after this many refused attempts. @default 1000 */
  maxAttempts?: number;
}

interface IngestAnswer {
  accepted?: number;
  rejected?: Array<{ index: number }>;
  error?: { code?: string; retriable?: boolean };
}

/** Statuses a client retries after Retry-After; anything else unexpected is a failure. */
const RETRIED_STATUSES = new Set([429, 503]);

export class CollectorLedger {
  /** Ids of the events the collector accepted (answered 202 for, and did not list as rejected). */
  readonly accepted = new Set<string>();
  /** Ids the collector accepted more than once (the client re-sent an accepted event). */
  readonly acceptedAgain: string[] = [];
  readonly answers: CollectorAnswer[] = [];
  private readonly requestTimeoutMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxAttempts: number;
  private stopped = false;

  constructor(private readonly options: CollectorLedgerOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 1_000;
  }

  /** Makes every stream and retry loop of this ledger end (a failed test's teardown calls it). */
  stop(): void {
    this.stopped = true;
  }

  /** Posts one batch until the collector accepts it; every event of the batch must be valid. */
  async postUntilAccepted(events: ReadonlyArray<{ eventId: string }>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.stopped) throw new Error('the ledger was stopped');
      const answer = await this.post(events);
      if (answer.status === 202) return;
      if (attempt >= this.maxAttempts)
        throw new Error(
          `collector refused a batch ${attempt} times; last: ${JSON.stringify(answer)}`,
        );
      if (answer.status !== 0 && !RETRIED_STATUSES.has(answer.status))
        throw new Error(`collector answered ${JSON.stringify(answer)}`);
      await sleep(this.retryDelayMs(answer));
    }
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private async post(events: ReadonlyArray<{ eventId: string }>): Promise<CollectorAnswer> {
    const sentAtMs = Date.now();
    let response: Response;
    let body: IngestAnswer;
    try {
      response = await fetch(`${this.options.collectorUrl()}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': this.options.writeKey },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      body = (await response.json()) as IngestAnswer;
    } catch {
      return this.record({ status: 0, sentAtMs, ms: Date.now() - sentAtMs });
    }
    const answer = this.record({
      status: response.status,
      sentAtMs,
      ms: Date.now() - sentAtMs,
      ...(body.error?.code === undefined ? {} : { code: body.error.code }),
      ...(body.error?.retriable === undefined ? {} : { retriable: body.error.retriable }),
      ...(response.headers.has('retry-after')
        ? { retryAfter: response.headers.get('retry-after')! }
        : {}),
    });
    if (response.status === 202) this.book(events, body);
    return answer;
  }

  private book(events: ReadonlyArray<{ eventId: string }>, body: IngestAnswer): void {
    const rejected = new Set((body.rejected ?? []).map((entry) => entry.index));
    if (rejected.size > 0)
      throw new Error(`collector rejected valid events: ${JSON.stringify(body.rejected)}`);
    for (const { eventId } of events) {
      if (this.accepted.has(eventId)) this.acceptedAgain.push(eventId);
      this.accepted.add(eventId);
    }
  }

  private record(answer: CollectorAnswer): CollectorAnswer {
    this.answers.push(answer);
    return answer;
  }

  private retryDelayMs(answer: CollectorAnswer): number {
    const seconds = Number(answer.retryAfter ?? '1');
    return Math.min(Number.isFinite(seconds) ? seconds * 1_000 : 1_000, this.maxRetryAfterMs);
  }
}

export interface StreamOptions<E extends { eventId: string }> {
  ledger: CollectorLedger;
  /** The event at a position of the stream (deterministic, so a test can look it up again). */
  eventAt: (index: number) => E;
  /** Stops after this many events… */
  count?: number;
  /** …or once this returns true (checked before each batch). */
  stopWhen?: () => boolean;
  batchEvents: number;
  concurrency: number;
  /** Offered load cap; unbounded when absent. */
  eventsPerSecond?: number;
}

/**
 * Streams events in batches from `concurrency` senders, each batch posted until accepted. Resolves with
 * the number of events streamed once every batch was accepted.
 */
export async function streamEvents<E extends { eventId: string }>(
  options: StreamOptions<E>,
): Promise<number> {
  const started = Date.now();
  let next = 0;
  const take = (): E[] | undefined => {
    if (options.stopWhen?.() === true || options.ledger.isStopped) return undefined;
    const end = Math.min(next + options.batchEvents, options.count ?? Number.POSITIVE_INFINITY);
    if (end <= next) return undefined;
    const batch = Array.from({ length: end - next }, (_, offset) => options.eventAt(next + offset));
    next = end;
    return batch;
  };
  const sender = async () => {
    for (let batch = take(); batch !== undefined; batch = take()) {
      await options.ledger.postUntilAccepted(batch);
      if (options.eventsPerSecond !== undefined) {
        const dueMs = started + (next / options.eventsPerSecond) * 1_000;
        await sleep(dueMs - Date.now());
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, sender));
  return next;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
