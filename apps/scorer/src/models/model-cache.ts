/**
 * The models this scorer replica serves, loaded from the registry (no shared disk): the champion, and
 * any version an experiment arm pins. A newly published champion is loaded completely before it
 * replaces the old one (one reference swap), and the old one is disposed only after a grace period, so
 * requests in flight finish on the model they started with and no request fails during a swap.
 */
import { FEATURE_SPEC_VERSION } from '@recsys/features';
import type { RedisModelRegistry } from '@recsys/feature-store';
import { SequenceRanker } from '@recsys/model';

export interface ModelCacheOptions {
  graceMs: number;
  log: (line: string) => void;
  /** Pinned versions kept loaded besides the champion. @default 3 */
  maxPinned?: number;
}

export class ModelCache {
  private current: SequenceRanker | undefined;
  private readonly pinned = new Map<string, Promise<SequenceRanker | undefined>>();
  private loading: Promise<void> = Promise.resolve();
  private swaps = 0;

  constructor(
    private readonly registry: RedisModelRegistry,
    private readonly options: ModelCacheOptions,
  ) {}

  /** The champion, or undefined while no model has been trained (the scorer then serves baselines). */
  get champion(): SequenceRanker | undefined {
    return this.current;
  }

  get championVersion(): string | undefined {
    return this.current?.version;
  }

  get swapCount(): number {
    return this.swaps;
  }

  /** Loads whatever the registry names champion (at start-up, and as a periodic safety net). */
  async refreshChampion(): Promise<void> {
    const version = await this.registry.champion();
    if (version !== undefined) await this.useChampion(version);
  }

  /** Switches to `version` as champion; loads are serialised, a repeated version is a no-op. */
  useChampion(version: string): Promise<void> {
    this.loading = this.loading.then(() => this.swapTo(version));
    return this.loading;
  }

  /** A specific version (an experiment arm's), loaded once and kept among the most recent few. */
  async version(version: string): Promise<SequenceRanker | undefined> {
    if (version === this.current?.version) return this.current;
    let entry = this.pinned.get(version);
    if (entry === undefined) {
      entry = this.load(version);
      this.pinned.set(version, entry);
      this.evictPinned();
    }
    return entry;
  }

  dispose(): void {
    this.current?.dispose();
    this.current = undefined;
    for (const entry of this.pinned.values()) void entry.then((ranker) => ranker?.dispose());
    this.pinned.clear();
  }

  private async swapTo(version: string): Promise<void> {
    if (version === this.current?.version) return;
    const next = await this.load(version);
    if (next === undefined) return;
    const previous = this.current;
    this.current = next;
    this.swaps += 1;
    this.options.log(`serving model ${version}${previous ? ` (was ${previous.version})` : ''}`);
    if (previous) this.retire(previous);
  }

  private async load(version: string): Promise<SequenceRanker | undefined> {
    try {
      const ranker = await SequenceRanker.load(this.registry, version);
      const spec = ranker.metadata?.featureSpecVersion;
      if (spec !== FEATURE_SPEC_VERSION) {
        this.options.log(
          `model ${version} uses feature spec ${spec}, this scorer computes ${FEATURE_SPEC_VERSION}: not served`,
        );
        ranker.dispose();
        return undefined;
      }
      return ranker;
    } catch (error) {
      this.options.log(`model ${version} could not be loaded: ${String(error)}`);
      return undefined;
    }
  }

  private retire(ranker: SequenceRanker): void {
    const timer = setTimeout(() => ranker.dispose(), this.options.graceMs);
    timer.unref();
  }

  private evictPinned(): void {
    const limit = this.options.maxPinned ?? 3;
    for (const [version, entry] of this.pinned) {
      if (this.pinned.size <= limit) break;
      this.pinned.delete(version);
      void entry.then((ranker) => ranker && this.retire(ranker));
    }
  }
}
