/**
 * The data-quality gate: per processing window, the share of invalid, duplicate, late and unknown-item
 * events. A window whose share crosses a threshold is flagged: its events are still stored, but the
 * training examples it produces carry `qualityFlagged` so the trainer can leave them out.
 */
export const qualityMetrics = ['invalid', 'duplicate', 'late', 'unknown_item'] as const;
export type QualityMetric = (typeof qualityMetrics)[number];

export type QualityCounts = Record<QualityMetric | 'total', number>;

export interface QualityThresholds {
  ratios: Record<QualityMetric, number>;
  /** Below this many events a window is never flagged (ratios of tiny samples are noise). */
  minEvents: number;
}

export const defaultQualityThresholds: QualityThresholds = {
  ratios: { invalid: 0.05, duplicate: 0.2, late: 0.1, unknown_item: 0.3 },
  minEvents: 100,
};

/**
 * What the gate concluded, for a window or one metric: `not_judged` when the window holds fewer than
 * `minEvents` events (its ratios are shown but decide nothing), never `ok` in that case.
 */
export const qualityJudgements = ['ok', 'over_threshold', 'not_judged'] as const;
export type QualityJudgement = (typeof qualityJudgements)[number];

export interface QualityVerdict {
  ratios: Record<QualityMetric, number>;
  crossed: QualityMetric[];
  flagged: boolean;
  judgement: QualityJudgement;
  metricJudgements: Record<QualityMetric, QualityJudgement>;
}

export function evaluateQualityGate(
  counts: QualityCounts,
  thresholds: QualityThresholds,
): QualityVerdict {
  const ratios = Object.fromEntries(
    qualityMetrics.map((metric) => [metric, counts.total > 0 ? counts[metric] / counts.total : 0]),
  ) as Record<QualityMetric, number>;
  const judged = counts.total >= thresholds.minEvents;
  const crossed = judged
    ? qualityMetrics.filter((metric) => ratios[metric] > thresholds.ratios[metric])
    : [];
  return {
    ratios,
    crossed,
    flagged: crossed.length > 0,
    ...qualityJudgementsOf({ judged, crossed }),
  };
}

/**
 * The window's and each metric's judgement from whether the window was judged and what it crossed
 * (also for a report that carries only those, e.g. one written by an older preprocessor).
 */
export function qualityJudgementsOf(gate: {
  judged: boolean;
  crossed: readonly string[];
}): Pick<QualityVerdict, 'judgement' | 'metricJudgements'> {
  const of = (over: boolean): QualityJudgement =>
    !gate.judged ? 'not_judged' : over ? 'over_threshold' : 'ok';
  return {
    judgement: of(gate.crossed.length > 0),
    metricJudgements: Object.fromEntries(
      qualityMetrics.map((metric) => [metric, of(gate.crossed.includes(metric))]),
    ) as Record<QualityMetric, QualityJudgement>,
  };
}

/** Start (ms) of the processing window containing `nowMs`. */
export function qualityWindowStart(nowMs: number, windowMs: number): number {
  return nowMs - (nowMs % windowMs);
}
