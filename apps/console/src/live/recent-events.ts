/**
 * The last few events per shopper the console saw on `events.raw.v1` (type, id and time: no payload),
 * for the user lookup. Bounded: the least recently active shoppers are forgotten first, and nothing is
 * kept longer than the retention. Pseudonymous keys are personal data: this never leaves the process
 * except through the admin-only lookup. An erased shopper's events are dropped the moment the erasure is
 * known (`erase`), and events of their erased history arriving later (a lagging or rewound tap, a
 * replay) are neither kept nor shown.
 */
import type { ErasedShoppers } from './erased-shoppers';

export interface RecentEvent {
  eventId: string;
  eventType: string;
  /** When it happened (event time, ms). */
  atMs: number;
}

interface Seen extends RecentEvent {
  /** When the console saw it: retention counts from here (replayed history is old by event time). */
  seenAtMs: number;
  /** When the platform received it (the broker's time). */
  receivedAtMs: number;
}

export interface RecentEventsOptions {
  /** @default 20000 */
  maxUsers?: number;
  /** @default 20 */
  maxEventsPerUser?: number;
  /** @default 3600000 (1 h) */
  retentionMs?: number;
  /** The erasures to honour. @default none known (nothing is ever erased) */
  erased?: ErasedShoppers;
}

export class RecentEvents {
  /** Map iteration order is insertion order: re-inserting on every event keeps it least-recent first. */
  private readonly byUser = new Map<string, Seen[]>();
  private readonly maxUsers: number;
  private readonly maxEventsPerUser: number;
  private readonly retentionMs: number;
  private readonly erased: ErasedShoppers | undefined;

  constructor(options: RecentEventsOptions = {}) {
    this.maxUsers = options.maxUsers ?? 20_000;
    this.maxEventsPerUser = options.maxEventsPerUser ?? 20;
    this.retentionMs = options.retentionMs ?? 3_600_000;
    this.erased = options.erased;
  }

  get size(): number {
    return this.byUser.size;
  }

  /** @param event `receivedAtMs`: when the platform received it (the broker's time); default `seenAtMs`. */
  record(userKey: string, event: RecentEvent & { receivedAtMs?: number }, seenAtMs: number): void {
    const seen: Seen = { ...event, seenAtMs, receivedAtMs: event.receivedAtMs ?? seenAtMs };
    if (this.erased?.isErasedHistory(userKey, seen)) return;
    const events = this.byUser.get(userKey) ?? [];
    this.byUser.delete(userKey);
    if (!events.some((known) => known.eventId === event.eventId)) events.push(seen);
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

  /**
   * Honours an erasure at once: drops every kept event of the subject's erased history, and refuses
   * such events from now on. Without an erasure register (`erased`) there is nothing to honour.
   */
  erase(subject: string, erasedAtMs: number): void {
    const erased = this.erased;
    if (erased === undefined) return;
    erased.record(subject, erasedAtMs);
    for (const [userKey, events] of this.byUser) {
      if (erased.subjects.subjectOf(userKey) !== subject) continue;
      const kept = events.filter((event) => !erased.isErasedHistory(userKey, event));
      if (kept.length === 0) this.byUser.delete(userKey);
      else this.byUser.set(userKey, kept);
    }
  }

  /** The user's events within the retention, newest first (never one of an erased history). */
  of(userKey: string, nowMs: number): RecentEvent[] {
    return (this.byUser.get(userKey) ?? [])
      .filter((event) => event.seenAtMs > nowMs - this.retentionMs)
      .filter((event) => this.erased?.isErasedHistory(userKey, event) !== true)
      .sort((a, b) => b.atMs - a.atMs)
      .map(({ eventId, eventType, atMs }) => ({ eventId, eventType, atMs }));
  }
}
