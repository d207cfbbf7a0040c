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

export interface QualityVerdict {
  ratios: Record<QualityMetric, number>;
  crossed: QualityMetric[];
  flagged: boolean;
}

export function evaluateQualityGate(
  counts: QualityCounts,
  thresholds: QualityThresholds,
): QualityVerdict {
  const ratios = Object.fromEntries(
    qualityMetrics.map((metric) => [metric, counts.total > 0 ? counts[metric] / counts.total : 0]),
  ) as Record<QualityMetric, number>;
  const crossed =
    counts.total < thresholds.minEvents
      ? []
      : qualityMetrics.filter((metric) => ratios[metric] > thresholds.ratios[metric]);
  return { ratios, crossed, flagged: crossed.length > 0 };
}

/** Start (ms) of the processing window containing `nowMs`. */
export function qualityWindowStart(nowMs: number, windowMs: number): number {
  return nowMs - (nowMs % windowMs);
}
