/**
 * The data-quality gate and feature freshness as the preprocessor instances report them (ops stats in
 * Redis): per instance, plus the page's headline — the gate of the most recent report and the worst
 * instance's freshness.
 */
import { qualityMetricNamesV1, type PipelineStatusV1, type QualityGateV1 } from '@recsys/contracts';
import type { PreprocessorOpsStats, QualityGateStats } from '@recsys/feature-store';
import { qualityJudgementsOf } from '@recsys/features';

export type PipelineStatusView = Omit<PipelineStatusV1, 'status'>;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** `instances` most recently updated first (as the store lists them). */
export function pipelineStatusOf(instances: readonly PreprocessorOpsStats[]): PipelineStatusView {
  const views = instances.map((stats) => ({
    instance: stats.instance,
    startedAt: new Date(stats.startedAtMs).toISOString(),
    updatedAt: new Date(stats.updatedAtMs).toISOString(),
    eventsApplied: stats.eventsApplied,
    deadLetters: stats.deadLetters,
    lastEventAt: iso(stats.lastEventMs),
    lastAppliedAt: iso(stats.lastAppliedAtMs),
    freshness: stats.freshness ?? null,
    quality: stats.quality === undefined ? null : gateOf(stats.quality),
  }));
  const worst = views
    .flatMap((view) => (view.freshness === null ? [] : [view.freshness]))
    .sort((a, b) => b.p99Ms - a.p99Ms)[0];
  const lastEventMs = Math.max(
    ...instances.map((stats) => stats.lastEventMs ?? Number.NEGATIVE_INFINITY),
  );
  return {
    instances: views,
    gate: views.find((view) => view.quality !== null)?.quality ?? null,
    freshness: worst ?? null,
    lastEventAt: Number.isFinite(lastEventMs) ? iso(lastEventMs) : null,
  };
}

type QualityMetricV1 = (typeof qualityMetricNamesV1)[number];

/**
 * The contract's metrics, in its order (a metric a newer preprocessor adds waits for the console). The
 * judgement is the preprocessor's; a report without one (older preprocessor) is judged here the same
 * way, so a window below the minimum volume reads "not judged", never "ok".
 */
function gateOf(stats: QualityGateStats): QualityGateV1 {
  const known = (record: Record<string, number>) =>
    Object.fromEntries(
      qualityMetricNamesV1.map((metric) => [
        metric,
        Number.isFinite(record[metric]) ? record[metric]! : 0,
      ]),
    ) as Record<QualityMetricV1, number>;
  const derived = qualityJudgementsOf({
    judged: stats.eventsInWindow >= stats.minEvents,
    crossed: stats.crossed,
  });
  const reported = stats.metricJudgements ?? {};
  return {
    state: stats.state,
    judgement: stats.judgement ?? derived.judgement,
    metricJudgements: Object.fromEntries(
      qualityMetricNamesV1.map((metric) => [
        metric,
        reported[metric] ?? derived.metricJudgements[metric],
      ]),
    ) as QualityGateV1['metricJudgements'],
    crossed: stats.crossed.filter((metric): metric is QualityMetricV1 =>
      (qualityMetricNamesV1 as readonly string[]).includes(metric),
    ),
    ratios: known(stats.ratios),
    thresholds: known(stats.thresholds),
    minEvents: stats.minEvents,
    eventsInWindow: stats.eventsInWindow,
    windowStartedAt: new Date(stats.windowStartMs).toISOString(),
    windowSeconds: Math.max(1, Math.round(stats.windowMs / 1_000)),
  };
}
