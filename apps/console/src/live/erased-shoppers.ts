/**
 * The shoppers erased, as the console must honour them: by erasure subject (a keyed hash of the user
 * key, see @recsys/feature-store ErasureSubjects) with the latest erasure time. An event is part of an
 * erased history when it happened **or was received** at or before the erasure — the preprocessor's
 * rule — so a late or replayed event of an erased shopper is never shown; later events are a new history.
 */
import type { ErasureSubjects } from '@recsys/feature-store';

export class ErasedShoppers {
  private readonly erasedAt = new Map<string, number>();

  constructor(readonly subjects: Pick<ErasureSubjects, 'subjectOf'>) {}

  get size(): number {
    return this.erasedAt.size;
  }

  /** Remembers an erasure (the latest one per subject counts). */
  record(subject: string, erasedAtMs: number): void {
    this.erasedAt.set(subject, Math.max(erasedAtMs, this.erasedAt.get(subject) ?? 0));
  }

  /** True for an event of `userKey` that belongs to an erased history. */
  isErasedHistory(userKey: string, event: { atMs: number; receivedAtMs: number }): boolean {
    if (this.erasedAt.size === 0) return false;
    const erasedAtMs = this.erasedAt.get(this.subjects.subjectOf(userKey));
    return erasedAtMs !== undefined && Math.min(event.atMs, event.receivedAtMs) <= erasedAtMs;
  }
}
