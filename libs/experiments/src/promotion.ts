/**
 * The auto-promotion rule. An arm is promoted only when all of these hold:
 * 1. every arm has the guardrails' minimum impressions and users (fixed-horizon tests are valid);
 * 2. users are split as the shares say (no sample ratio mismatch, χ² p ≥ 0.001);
 * 3. the arm beats control on the primary metric: two-sided pooled z-test p < alpha/m and a positive
 *    difference, where m is the number of non-control arms (Bonferroni: the chance of promoting any
 *    arm that is not better stays ≤ alpha);
 * 4. its conversion did not drop beyond the guardrail: the one-sided (1 − alpha/m) lower confidence
 *    bound of the relative conversion change is ≥ −maxConversionDrop (a non-inferiority test; with a
 *    margin of 0 conversion must be shown not to drop at all).
 * Among the arms that pass, the one with the largest relative uplift on the primary metric wins.
 */
import type { Guardrails, PrimaryMetric } from './experiment';
import { normalQuantile } from './normal';
import { compareProportions, type Proportion } from './proportions';
import {
  type ArmCounters,
  type ArmSummary,
  conversionOf,
  ctrOf,
  type ExperimentReport,
  hasMinimumSample,
  SAMPLE_RATIO_MISMATCH_P,
} from './report';

export type PromotionDecision =
  { action: 'promote'; arm: string; reason: string } | { action: 'keep'; reason: string };

interface Verdict {
  arm: string;
  passed: boolean;
  uplift: number;
  reason: string;
}

/** Decides whether to promote a non-control arm of `report` (see the rule above). */
export function decidePromotion(
  report: ExperimentReport,
  guardrails: Guardrails,
): PromotionDecision {
  const small = report.arms.filter((arm) => !hasMinimumSample(arm.counters, guardrails));
  if (small.length > 0) {
    const names = small.map((arm) => arm.arm).join(', ');
    return { action: 'keep', reason: `insufficient sample in arm(s) ${names}` };
  }
  if (report.sampleRatioPValue < SAMPLE_RATIO_MISMATCH_P) {
    return {
      action: 'keep',
      reason: `sample ratio mismatch (p = ${formatP(report.sampleRatioPValue)}): fix assignment first`,
    };
  }
  const control = report.arms.find((arm) => arm.arm === report.controlArm);
  const variants = report.arms.filter((arm) => arm.arm !== report.controlArm);
  if (control === undefined || variants.length === 0) {
    return { action: 'keep', reason: 'no control or no variant arm' };
  }
  const alphaPerArm = guardrails.alpha / variants.length;
  const verdicts = variants.map((variant) =>
    judge({ control: control.counters, variant }, { report, guardrails, alphaPerArm }),
  );
  const winner = verdicts
    .filter((verdict) => verdict.passed)
    .sort((a, b) => b.uplift - a.uplift)[0];
  if (winner !== undefined) return { action: 'promote', arm: winner.arm, reason: winner.reason };
  return { action: 'keep', reason: verdicts.map((verdict) => verdict.reason).join('; ') };
}

function judge(
  arms: { control: ArmCounters; variant: ArmSummary },
  context: { report: ExperimentReport; guardrails: Guardrails; alphaPerArm: number },
): Verdict {
  const { report, guardrails, alphaPerArm } = context;
  const name = arms.variant.arm;
  const metric = report.primaryMetric;
  const primary = compareProportions(
    metricOf(metric, arms.control),
    metricOf(metric, arms.variant.counters),
    normalQuantile(1 - alphaPerArm / 2),
  );
  const uplift = primary.relative?.estimate ?? primary.absolute.estimate;
  const upliftText = `${metric} ${formatPercent(uplift)} vs control (p = ${formatP(primary.pValue)})`;
  if (!(primary.pValue < alphaPerArm && primary.absolute.estimate > 0)) {
    return {
      arm: name,
      passed: false,
      uplift,
      reason: `${name}: ${upliftText}, not significantly better at alpha ${formatP(alphaPerArm)}`,
    };
  }
  const conversion = compareProportions(
    conversionOf(arms.control),
    conversionOf(arms.variant.counters),
    normalQuantile(1 - alphaPerArm),
  );
  if (conversion.relative === undefined) {
    return { arm: name, passed: false, uplift, reason: `${name}: control has no conversions yet` };
  }
  const lowerBound = conversion.relative.lower;
  const guard = `conversion lower bound ${formatPercent(lowerBound)} vs allowed -${formatPercent(guardrails.maxConversionDrop)}`;
  if (lowerBound < -guardrails.maxConversionDrop) {
    return { arm: name, passed: false, uplift, reason: `${name}: ${upliftText}, but ${guard}` };
  }
  return { arm: name, passed: true, uplift, reason: `${name}: ${upliftText}; ${guard}` };
}

function metricOf(metric: PrimaryMetric, counters: ArmCounters): Proportion {
  switch (metric) {
    case 'ctr':
      return ctrOf(counters);
    case 'conversion':
      return conversionOf(counters);
  }
}

function formatPercent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

function formatP(value: number): string {
  return value < 1e-4 ? value.toExponential(2) : value.toFixed(4);
}
