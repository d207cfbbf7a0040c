/**
 * The users erased that the trainer's window must not hold, by erasure subject (a keyed hash of the
 * user key: the trainer never learns who asked). An example is excluded when its subject was erased
 * and it happened at or before the erasure plus a margin: the margin covers events stamped ahead of
 * their receipt (the preprocessor accepts up to PREPROCESSOR_MAX_FUTURE_SKEW_SECONDS, 300 s by default)
 * that were applied before the erasure. Examples after that belong to a new history and are kept.
 */
import type { TrainingExample } from '@recsys/contracts';
import type { ErasureSubjects } from '@recsys/feature-store';

/** @default 300000 (5 minutes, the preprocessor's default future skew) */
export const ERASURE_MARGIN_MS = 300_000;

export class ErasedUsers {
  private readonly erasedAt = new Map<string, number>();

  constructor(
    private readonly subjects: ErasureSubjects,
    private readonly marginMs = ERASURE_MARGIN_MS,
  ) {}

  get size(): number {
    return this.erasedAt.size;
  }

  /** Remembers an erasure (the latest one per subject counts). */
  record(subject: string, erasedAtMs: number): void {
    this.erasedAt.set(subject, Math.max(erasedAtMs, this.erasedAt.get(subject) ?? 0));
  }

  erasedAtOf(subject: string): number | undefined {
    return this.erasedAt.get(subject);
  }

  subjectOf(example: TrainingExample): string {
    return this.subjects.subjectOf(example.userKey);
  }

  /** True when the example is part of an erased user's history. */
  excludes(example: TrainingExample): boolean {
    if (this.erasedAt.size === 0) return false;
    const erasedAtMs = this.erasedAt.get(this.subjectOf(example));
    return erasedAtMs !== undefined && this.isErasedHistory(example, erasedAtMs);
  }

  /** True when the example belongs to `subject` and is part of its erased history. */
  excludesFor(subject: string, example: TrainingExample): boolean {
    const erasedAtMs = this.erasedAt.get(subject);
    return (
      erasedAtMs !== undefined &&
      this.subjectOf(example) === subject &&
      this.isErasedHistory(example, erasedAtMs)
    );
  }

  private isErasedHistory(example: TrainingExample, erasedAtMs: number): boolean {
    return Date.parse(example.occurredAt) <= erasedAtMs + this.marginMs;
  }
}
