/**
 * The trainer's bounded memory of recent training examples: newest by event time, at most `maxExamples`,
 * none older than `maxAgeMs` behind the newest. Kafka delivers at least once, so examples are kept by id
 * (a redelivery replaces, never duplicates). One feature-spec version at a time: when a newer version
 * arrives the older examples are dropped, because a model cannot mix vectors of two specs. Examples of
 * erased users are refused on arrival (`exclude`) and purged when an erasure is announced.
 */
import type { TrainingExample } from '@recsys/contracts';

export interface WindowSettings {
  maxAgeMs: number;
  maxExamples: number;
  excludeFlagged: boolean;
}

const SWEEP_EVERY = 1_000;

export type AddOutcome = 'added' | 'replaced' | 'flagged' | 'stale_spec' | 'too_old' | 'erased';

/** True for an example that must not be trained on (its user was erased). */
export type ExampleExclusion = (example: TrainingExample) => boolean;

export class TrainingWindow {
  private readonly examples = new Map<string, TrainingExample>();
  private specVersion: number | undefined;
  private newestMs = 0;
  private addedSinceMark = 0;
  private addsSinceSweep = 0;

  constructor(
    private readonly settings: WindowSettings,
    private readonly exclude: ExampleExclusion = () => false,
  ) {}

  get size(): number {
    return this.examples.size;
  }

  get featureSpecVersion(): number | undefined {
    return this.specVersion;
  }

  /** Examples added since the last `markTrained()` (what the retraining trigger counts). */
  get newSinceTraining(): number {
    return this.addedSinceMark;
  }

  add(example: TrainingExample): AddOutcome {
    if (this.settings.excludeFlagged && example.qualityFlagged) return 'flagged';
    if (this.exclude(example)) return 'erased';
    if (this.specVersion !== undefined && example.featureSpecVersion < this.specVersion) {
      return 'stale_spec';
    }
    if (this.specVersion !== example.featureSpecVersion)
      this.switchSpec(example.featureSpecVersion);
    const atMs = Date.parse(example.occurredAt);
    if (atMs < this.newestMs - this.settings.maxAgeMs) return 'too_old';
    const replaced = this.examples.delete(example.exampleId);
    this.examples.set(example.exampleId, example);
    this.newestMs = Math.max(this.newestMs, atMs);
    if (!replaced) this.addedSinceMark += 1;
    this.evict();
    return replaced ? 'replaced' : 'added';
  }

  /** The window's examples ordered by event time (oldest first): what a training run sees. */
  snapshot(): TrainingExample[] {
    this.sweepOld();
    return [...this.examples.values()].sort(
      (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt),
    );
  }

  /** Removes the examples `matches` selects; returns how many left. */
  purge(matches: ExampleExclusion): number {
    let purged = 0;
    for (const [id, example] of this.examples) {
      if (!matches(example)) continue;
      this.examples.delete(id);
      purged += 1;
    }
    return purged;
  }

  /** How many examples `matches` selects. */
  count(matches: ExampleExclusion): number {
    let counted = 0;
    for (const example of this.examples.values()) if (matches(example)) counted += 1;
    return counted;
  }

  markTrained(): void {
    this.addedSinceMark = 0;
  }

  private switchSpec(version: number): void {
    this.examples.clear();
    this.specVersion = version;
    this.newestMs = 0;
  }

  /**
   * Over the count bound the earliest-arrived examples leave (O(1) each: a Map keeps arrival order, which
   * per partition is event order). The age bound is swept every SWEEP_EVERY additions and before every
   * snapshot, so adding stays O(1) amortised.
   */
  private evict(): void {
    while (this.examples.size > this.settings.maxExamples) {
      const oldest = this.examples.keys().next().value;
      if (oldest === undefined) break;
      this.examples.delete(oldest);
    }
    this.addsSinceSweep += 1;
    if (this.addsSinceSweep >= SWEEP_EVERY) this.sweepOld();
  }

  private sweepOld(): void {
    this.addsSinceSweep = 0;
    const oldestAllowed = this.newestMs - this.settings.maxAgeMs;
    for (const [id, example] of this.examples) {
      if (Date.parse(example.occurredAt) < oldestAllowed) this.examples.delete(id);
    }
  }
}
