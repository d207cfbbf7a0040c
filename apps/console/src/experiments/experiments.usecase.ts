/**
 * A/B experiments for the experiments page: every definition with its report (per-arm counts, CTR and
 * conversion with intervals, comparison with control) and the decision the guardrails allow now —
 * computed by libs/experiments from the counters the scorer's attribution keeps, as the scorer's own
 * report endpoint does.
 */
import { Injectable } from '@nestjs/common';
import type { ExperimentV1, ExperimentsV1 } from '@recsys/contracts';
import {
  buildReport,
  decidePromotion,
  type Experiment,
  type ExperimentReport,
  type MetricComparison,
  type PromotionDecision,
  type Strategy,
} from '@recsys/experiments';
import { ExperimentStore } from '@recsys/feature-store';

@Injectable()
export class ExperimentsUseCase {
  constructor(private readonly store: ExperimentStore) {}

  async execute(): Promise<ExperimentsV1> {
    const experiments = await this.store.list();
    return {
      experiments: await Promise.all(
        experiments.map(async (experiment) => {
          const report = buildReport(experiment, await this.store.readCounters(experiment.id));
          return experimentViewOf(
            experiment,
            report,
            decidePromotion(report, experiment.guardrails),
          );
        }),
      ),
    };
  }
}

export function experimentViewOf(
  experiment: Experiment,
  report: ExperimentReport,
  decision: PromotionDecision,
): ExperimentV1 {
  const strategyOf = new Map(experiment.arms.map((arm) => [arm.name, arm.strategy]));
  return {
    id: experiment.id,
    description: experiment.description,
    status: experiment.status,
    placements: experiment.placements ?? null,
    controlArm: experiment.controlArm,
    primaryMetric: experiment.primaryMetric,
    alpha: report.alpha,
    startedAt: experiment.startedAt ?? null,
    promotion: experiment.promotion ?? null,
    arms: report.arms.map((arm) => {
      const comparison = report.comparisons.find((entry) => entry.arm === arm.arm);
      return {
        arm: arm.arm,
        share: arm.share,
        strategy: strategyLabel(strategyOf.get(arm.arm)),
        impressions: arm.counters.impressions,
        clicks: arm.counters.clicks,
        exposedUsers: arm.counters.exposedUsers,
        convertedUsers: arm.counters.convertedUsers,
        revenue: arm.counters.revenue,
        ctr: arm.ctr,
        conversion: arm.conversion,
        sampleSufficient: arm.sampleSufficient,
        versusControl:
          comparison === undefined
            ? null
            : {
                ctr: comparisonOf(comparison.ctr),
                conversion: comparisonOf(comparison.conversion),
              },
      };
    }),
    sampleRatioPValue: report.sampleRatioPValue,
    caveats: report.caveats,
    decision:
      decision.action === 'promote'
        ? { action: 'promote', arm: decision.arm, reason: decision.reason }
        : { action: 'keep', reason: decision.reason },
  };
}

function comparisonOf(metric: MetricComparison) {
  return {
    absolute: { ...metric.absolute },
    relative: metric.relative === undefined ? null : { ...metric.relative },
    pValue: metric.pValue,
    significant: metric.significant,
  };
}

function strategyLabel(strategy: Strategy | undefined): string {
  if (strategy === undefined) return 'unknown';
  switch (strategy.kind) {
    case 'model':
      return `model ${strategy.modelVersion}`;
    case 'popularity':
      return 'popularity';
    case 'co_visitation':
      return 'co-visitation';
  }
}
