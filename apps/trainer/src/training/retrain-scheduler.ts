/**
 * Decides when to train: after `afterExamples` new examples, or `intervalMs` after the last run when
 * anything new arrived. One run at a time; a trigger during a run is remembered and runs right after.
 */
export interface RetrainSchedulerOptions {
  afterExamples: number;
  intervalMs: number;
  /** New examples since the last run. */
  pending: () => number;
  train: () => Promise<void>;
  onError: (error: unknown) => void;
}

export class RetrainScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastRunMs = Date.now();

  constructor(private readonly options: RetrainSchedulerOptions) {}

  start(checkEveryMs = Math.min(5_000, this.options.intervalMs)): void {
    this.timer = setInterval(() => this.check(), checkEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Called on every new example and by the timer. */
  check(nowMs = Date.now()): void {
    const pending = this.options.pending();
    const due =
      pending >= this.options.afterExamples ||
      (pending > 0 && nowMs - this.lastRunMs >= this.options.intervalMs);
    if (due) void this.trigger();
  }

  /** Runs now (or right after the current run). Resolves when that run finished. */
  trigger(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runLoop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  get isTraining(): boolean {
    return this.running !== undefined;
  }

  private async runLoop(): Promise<void> {
    do {
      this.again = false;
      this.lastRunMs = Date.now();
      try {
        await this.options.train();
      } catch (error) {
        this.options.onError(error);
      }
    } while (this.again);
  }
}
