/**
 * The list served when the feature store cannot answer within the request deadline (Redis down, or
 * slower than the deadline): the latest non-personalised list (popular, trending, new arrivals in the
 * sources' order), re-read in the background while Redis answers — so an outage serves what was popular
 * moments before it began, instead of an error. Nothing of any shopper is in it.
 */
import type { RecommendedItem } from '@recsys/recommendation';
import { withinDeadline } from './within-deadline';

export interface FallbackListOptions {
  /** Reads the list from the feature store (throws or hangs while Redis cannot answer). */
  load: () => Promise<readonly RecommendedItem[]>;
  /** Time between two reads; a read gets as long to finish. */
  refreshMs: number;
  log: (line: string) => void;
}

export class FallbackList {
  private items: readonly RecommendedItem[] = [];
  private refreshing = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FallbackListOptions) {}

  /** Reads the list now and every `refreshMs` from then on. */
  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** True when the list was read (a failed read keeps the previous list). */
  async refresh(): Promise<boolean> {
    if (this.refreshing) return false;
    this.refreshing = true;
    try {
      const read = await withinDeadline(this.options.load(), this.options.refreshMs);
      if (!read.ok) return this.failed(read.reason);
      if (read.value.length > 0) this.items = read.value;
      this.failing = false;
      return true;
    } catch (error) {
      return this.failed(String(error));
    } finally {
      this.refreshing = false;
    }
  }

  /** Up to `k` items, none of `exclude`, ranked from 0; undefined while no list was ever read. */
  pick(k: number, exclude: ReadonlySet<string>): RecommendedItem[] | undefined {
    if (this.items.length === 0) return undefined;
    return this.items
      .filter((item) => !exclude.has(item.itemId))
      .slice(0, k)
      .map((item, rank) => ({ ...item, rank }));
  }

  private failed(reason: string): false {
    // Once per outage, not once per refresh.
    if (!this.failing)
      this.options.log(`fallback list not refreshed (${reason}); keeping the last one`);
    this.failing = true;
    return false;
  }
}
