/**
 * The experiments every request is bucketed against, re-read from Redis every few seconds: a request
 * never waits for Redis to learn about experiments, and all replicas converge within the refresh time.
 */
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Experiment } from '@recsys/experiments';
import { ExperimentStore } from '@recsys/feature-store';
import { APP_CONFIG } from '@recsys/platform';
import type { ScorerConfig } from '../config';

@Injectable()
export class ExperimentsCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('experiments');
  private experiments: readonly Experiment[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScorerConfig,
    private readonly store: ExperimentStore,
  ) {}

  get current(): readonly Experiment[] {
    return this.experiments;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.experimentsRefreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Re-reads the running experiments; on failure the previous list stays in use. */
  async refresh(): Promise<void> {
    try {
      const all = await this.store.list();
      this.experiments = all.filter((experiment) => experiment.status === 'running');
    } catch (error) {
      this.logger.warn(
        `experiments not refreshed, keeping ${this.experiments.length}: ${String(error)}`,
      );
    }
  }
}
