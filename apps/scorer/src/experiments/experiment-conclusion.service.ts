/**
 * Ends an experiment the way its report allows: the guardrails' decision (minimum sample, no sample-ratio
 * mismatch, significant win on the primary metric, no conversion drop beyond the margin) is applied —
 * the winning arm is recorded, and when that arm served a pinned model version, that version becomes the
 * champion and is announced to every scorer. Experiments with `autoPromote` are checked periodically.
 */
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppError } from '@recsys/contracts';
import {
  CHAMPION,
  buildReport,
  decidePromotion,
  type Experiment,
  type ExperimentReport,
  type PromotionDecision,
} from '@recsys/experiments';
import {
  ExperimentStore,
  RedisModelRegistry,
  modelPublishedEventOf,
  type DefinitionChange,
} from '@recsys/feature-store';
import { KafkaPublisher } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import type { ScorerConfig } from '../config';
import { ExperimentsCache } from './experiments.cache';

export interface Conclusion {
  decision: PromotionDecision;
  report: ExperimentReport;
  experiment: Experiment;
  /** The model version made champion because its arm won. */
  promotedModelVersion?: string;
}

function changed(change: DefinitionChange): Experiment {
  if (change.status === 'changed') return change.experiment;
  if (change.status === 'not_found') throw new AppError('EXPERIMENT_UNKNOWN', 'no such experiment');
  throw new AppError('EXPERIMENT_INVALID', `experiment change refused: ${change.status}`, {
    details: { ...change },
  });
}

@Injectable()
export class ExperimentConclusion implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('experiments');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScorerConfig,
    private readonly store: ExperimentStore,
    private readonly cache: ExperimentsCache,
    private readonly registry: RedisModelRegistry,
    private readonly publisher: KafkaPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.autoPromote(), this.config.experimentsRefreshMs * 4);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async report(
    experiment: Experiment,
  ): Promise<{ report: ExperimentReport; decision: PromotionDecision }> {
    const report = buildReport(experiment, await this.store.readCounters(experiment.id));
    return { report, decision: decidePromotion(report, experiment.guardrails) };
  }

  async conclude(experiment: Experiment): Promise<Conclusion> {
    const { report, decision } = await this.report(experiment);
    if (decision.action === 'keep') return { decision, report, experiment };
    const concluded = changed(
      await this.store.recordPromotion(experiment.id, {
        arm: decision.arm,
        reason: decision.reason,
      }),
    );
    await this.cache.refresh();
    const promotedModelVersion = await this.promoteArmModel(concluded, decision.arm);
    return {
      decision,
      report,
      experiment: concluded,
      ...(promotedModelVersion === undefined ? {} : { promotedModelVersion }),
    };
  }

  private async promoteArmModel(
    experiment: Experiment,
    armName: string,
  ): Promise<string | undefined> {
    const strategy = experiment.arms.find((arm) => arm.name === armName)?.strategy;
    if (strategy?.kind !== 'model' || strategy.modelVersion === CHAMPION) return undefined;
    const version = strategy.modelVersion;
    const promotion = await this.registry.promote(version, 'beat_champion');
    const record = await this.registry.version(version);
    if (record === undefined) return undefined;
    await this.publisher.publish('models.published.v1', [
      {
        key: this.registry.modelName,
        value: modelPublishedEventOf(this.registry.modelName, record, promotion),
      },
    ]);
    return version;
  }

  private async autoPromote(): Promise<void> {
    for (const experiment of this.cache.current.filter((candidate) => candidate.autoPromote)) {
      try {
        const conclusion = await this.conclude(experiment);
        if (conclusion.decision.action === 'promote') {
          this.logger.log(`experiment ${experiment.id}: promoted ${conclusion.decision.arm}`);
        }
      } catch (error) {
        this.logger.warn(`experiment ${experiment.id} not concluded: ${String(error)}`);
      }
    }
  }
}
