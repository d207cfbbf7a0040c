/**
 * Dead letters of the last 24 hours by who refused what and why: the service and typed reason from the
 * dead letter itself, the error code from its `recsys_error_code` header.
 */
import { headerNames, type DeadLetterCountsV1 } from '@recsys/contracts';
import { RollingCounter } from './rolling-counter';

const MINUTE_MS = 60_000;
export const DEAD_LETTER_WINDOW_MS = 24 * 60 * MINUTE_MS;
const SEPARATOR = '\u0000';

export interface DeadLetterKey {
  service: string;
  reason: string;
  code: string;
}

export type DeadLetterCountsView = Omit<DeadLetterCountsV1, 'status'>;

/** Who and why of a dead letter; a value that does not parse still counts (as `unknown`). */
export function deadLetterKeyOf(headers: Record<string, string>, value: string): DeadLetterKey {
  let parsed: Record<string, unknown> = {};
  try {
    const json = JSON.parse(value) as unknown;
    if (typeof json === 'object' && json !== null) parsed = json as Record<string, unknown>;
  } catch {
    // A dead letter is written by the platform; an unreadable one is still counted.
  }
  const text = (field: unknown) => (typeof field === 'string' && field !== '' ? field : undefined);
  return {
    service: text(parsed['service']) ?? 'unknown',
    reason: text(parsed['reason']) ?? 'unknown',
    code: text(headers[headerNames.errorCode]) ?? text(parsed['code']) ?? 'unknown',
  };
}

export class DeadLetterCounts {
  /** 10-second buckets: "last minute" is exact to 10 s, and 24 h take 8 640 mostly empty slots. */
  private readonly counter = new RollingCounter({
    bucketMs: 10_000,
    buckets: DEAD_LETTER_WINDOW_MS / 10_000,
  });
  private readonly lastAt = new Map<string, number>();

  constructor(private readonly countingSinceMs: number) {}

  record(key: DeadLetterKey, atMs: number, nowMs: number): void {
    const id = [key.service, key.reason, key.code].join(SEPARATOR);
    this.counter.add({ key: id, atMs, nowMs });
    this.lastAt.set(id, Math.max(this.lastAt.get(id) ?? 0, Math.min(atMs, nowMs)));
  }

  view(nowMs: number): DeadLetterCountsView {
    const day = this.counter.totals(nowMs, DEAD_LETTER_WINDOW_MS);
    const hour = this.counter.totals(nowMs, 60 * MINUTE_MS);
    const tenMinutes = this.counter.totals(nowMs, 10 * MINUTE_MS);
    const minute = this.counter.totals(nowMs, MINUTE_MS);
    const entries = [...day.entries()]
      .map(([id, last24Hours]) => {
        const [service = '', reason = '', code = ''] = id.split(SEPARATOR);
        return {
          service,
          reason,
          code,
          lastMinute: minute.get(id) ?? 0,
          last10Minutes: tenMinutes.get(id) ?? 0,
          lastHour: hour.get(id) ?? 0,
          last24Hours,
          lastAt: new Date(this.lastAt.get(id) ?? nowMs).toISOString(),
        };
      })
      .sort((a, b) => b.last24Hours - a.last24Hours || a.reason.localeCompare(b.reason));
    return {
      entries,
      total24Hours: entries.reduce((sum, entry) => sum + entry.last24Hours, 0),
      countingSince: new Date(this.countingSinceMs).toISOString(),
    };
  }
}
