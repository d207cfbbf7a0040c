/**
 * The last few events per shopper the console saw on `events.raw.v1` (type, id and time: no payload),
 * for the user lookup. Bounded: the least recently active shoppers are forgotten first, and nothing is
 * kept longer than the retention. Pseudonymous keys are personal data: this never leaves the process
 * except through the admin-only lookup.
 */
export interface RecentEvent {
  eventId: string;
  eventType: string;
  /** When it happened (event time, ms). */
  atMs: number;
}

interface Seen extends RecentEvent {
  /** When the console saw it: retention counts from here (replayed history is old by event time). */
  seenAtMs: number;
}

export interface RecentEventsOptions {
  /** @default 20000 */
  maxUsers?: number;
  /** @default 20 */
  maxEventsPerUser?: number;
  /** @default 3600000 (1 h) */
  retentionMs?: number;
}

export class RecentEvents {
  /** Map iteration order is insertion order: re-inserting on every event keeps it least-recent first. */
  private readonly byUser = new Map<string, Seen[]>();
  private readonly maxUsers: number;
  private readonly maxEventsPerUser: number;
  private readonly retentionMs: number;

  constructor(options: RecentEventsOptions = {}) {
    this.maxUsers = options.maxUsers ?? 20_000;
    this.maxEventsPerUser = options.maxEventsPerUser ?? 20;
    this.retentionMs = options.retentionMs ?? 3_600_000;
  }

  get size(): number {
    return this.byUser.size;
  }

  record(userKey: string, event: RecentEvent, seenAtMs: number): void {
    const events = this.byUser.get(userKey) ?? [];
    this.byUser.delete(userKey);
    if (!events.some((known) => known.eventId === event.eventId))
      events.push({ ...event, seenAtMs });
    if (events.length > this.maxEventsPerUser) {
      events.sort((a, b) => a.atMs - b.atMs);
      events.splice(0, events.length - this.maxEventsPerUser);
    }
    this.byUser.set(userKey, events);
    if (this.byUser.size > this.maxUsers) {
      const oldest = this.byUser.keys().next().value;
      if (oldest !== undefined) this.byUser.delete(oldest);
    }
  }

  /** The user's events within the retention, newest first. */
  of(userKey: string, nowMs: number): RecentEvent[] {
    return (this.byUser.get(userKey) ?? [])
      .filter((event) => event.seenAtMs > nowMs - this.retentionMs)
      .sort((a, b) => b.atMs - a.atMs)
      .map(({ eventId, eventType, atMs }) => ({ eventId, eventType, atMs }));
  }
}
