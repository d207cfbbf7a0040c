/**
 * The experiment report: per-arm rates with Wilson 95 % intervals, and each non-control arm compared
 * with control on CTR and conversion (absolute and relative uplift with (1 − alpha) intervals, pooled
 * two-proportion z-test). Pure: it reads the counters the store keeps and nothing else.
 */
import { chiSquareGoodnessOfFit } from './chi-square';
import type { Experiment, Guardrails, PrimaryMetric } from './experiment';
import { twoSidedZ } from './normal';
import {
  compareProportions,
  type ProportionComparison,
  type RateEstimate,
  wilsonInterval,
} from './proportions';

/** Per-arm counters as the store keeps them (each counted once, see the store's FORMAT section). */
export interface ArmCounters {
  /** Recommendation lists shown (one per request id). */
  impressions: number;
  /** Impressions with at least one click: CTR = clicks / impressions is a proportion. */
  clicks: number;
  /** Distinct users who saw the arm at least once. */
  exposedUsers: number;
  /** Distinct exposed users who purchased within the attribution window after an exposure. */
  convertedUsers: number;
  /** Attributed revenue, in the reporting currency. */
  revenue: number;
}

export type ExperimentCounters = Readonly<Record<string, ArmCounters>>;

export const emptyArmCounters: Readonly<ArmCounters> = Object.freeze({
  impressions: 0,
  clicks: 0,
  exposedUsers: 0,
  convertedUsers: 0,
  revenue: 0,
});

export interface ArmSummary {
  arm: string;
  share: number;
  counters: ArmCounters;
  /** clicks / impressions with a Wilson 95 % interval. */
  ctr: RateEstimate;
  /** convertedUsers / exposedUsers with a Wilson 95 % interval. */
  conversion: RateEstimate;
  /** revenue / exposedUsers (0 without users). */
  revenuePerUser: number;
  /** The arm has the guardrails' minimum impressions and users. */
  sampleSufficient: boolean;
}

export interface MetricComparison extends ProportionComparison {
  /** p-value below the report's alpha (not corrected for multiple arms; decidePromotion is). */
  significant: boolean;
}

export interface ArmComparison {
  arm: string;
  ctr: MetricComparison;
  conversion: MetricComparison;
}

export interface ExperimentReport {
  experimentId: string;
  primaryMetric: PrimaryMetric;
  controlArm: string;
  /** Significance level; comparison intervals are at 1 − alpha. */
  alpha: number;
  arms: ArmSummary[];
  /** One entry per non-control arm, in arm order. */
  comparisons: ArmComparison[];
  /** p-value of the χ² test that exposed users follow the arm shares (sample ratio mismatch). */
  sampleRatioPValue: number;
  /** Every arm has the minimum sample. */
  sampleSufficient: boolean;
  /**
   * The p-values are fixed-horizon tests: read before the guardrail sample (the planned horizon), or
   * read repeatedly, they overstate significance. Set whenever an arm is below the minimum sample.
   */
  sequentialCaveat: boolean;
  /** Human-readable warnings: small samples, sample ratio mismatch. */
  caveats: string[];
}

/** Below this p-value the users are not split as the shares say: the comparison is not trustworthy. */
export const SAMPLE_RATIO_MISMATCH_P = 0.001;
const DESCRIPTIVE_Z = twoSidedZ(0.05);

/** Builds the report of `experiment` from its counters (arms without counters count as zero). */
export function buildReport(
  experiment: Experiment,
  counters: ExperimentCounters,
): ExperimentReport {
  const { guardrails, controlArm } = experiment;
  const arms = experiment.arms.map((arm) =>
    summariseArm({ arm: arm.name, share: arm.share, counters: counters[arm.name] }, guardrails),
  );
  const control = arms.find((arm) => arm.arm === controlArm);
  if (control === undefined) throw new RangeError(`control arm ${controlArm} is not an arm`);
  const z = twoSidedZ(guardrails.alpha);
  const comparisons = arms
    .filter((arm) => arm.arm !== controlArm)
    .map((arm) => compareArms({ control, variant: arm, z }, guardrails.alpha));
  const sampleRatioPValue = chiSquareGoodnessOfFit(
    arms.map((arm) => arm.counters.exposedUsers),
    arms.map((arm) => arm.share),
  ).pValue;
  const caveats = [
    ...arms.filter((arm) => !arm.sampleSufficient).map((arm) => smallSampleCaveat(arm, guardrails)),
    ...(sampleRatioPValue < SAMPLE_RATIO_MISMATCH_P
      ? [`sample ratio mismatch: exposed users do not follow the shares (p = ${sampleRatioPValue})`]
      : []),
  ];
  const sampleSufficient = arms.every((arm) => arm.sampleSufficient);
  return {
    experimentId: experiment.id,
    primaryMetric: experiment.primaryMetric,
    controlArm,
    alpha: guardrails.alpha,
    arms,
    comparisons,
    sampleRatioPValue,
    sampleSufficient,
    sequentialCaveat: !sampleSufficient,
    caveats,
  };
}

/** Whether counters reach the guardrails' minimum sample. */
export function hasMinimumSample(counters: ArmCounters, guardrails: Guardrails): boolean {
  return (
    counters.impressions >= guardrails.minImpressionsPerArm &&
    counters.exposedUsers >= guardrails.minUsersPerArm
  );
}

function summariseArm(
  input: { arm: string; share: number; counters: ArmCounters | undefined },
  guardrails: Guardrails,
): ArmSummary {
  const counters = { ...emptyArmCounters, ...input.counters };
  return {
    arm: input.arm,
    share: input.share,
    counters,
    ctr: wilsonInterval(ctrOf(counters), DESCRIPTIVE_Z),
    conversion: wilsonInterval(conversionOf(counters), DESCRIPTIVE_Z),
    revenuePerUser: counters.exposedUsers > 0 ? counters.revenue / counters.exposedUsers : 0,
    sampleSufficient: hasMinimumSample(counters, guardrails),
  };
}

function compareArms(
  input: { control: ArmSummary; variant: ArmSummary; z: number },
  alpha: number,
): ArmComparison {
  const { control, variant, z } = input;
  const metric = (comparison: ProportionComparison): MetricComparison => ({
    ...comparison,
    significant: comparison.pValue < alpha,
  });
  return {
    arm: variant.arm,
    ctr: metric(compareProportions(ctrOf(control.counters), ctrOf(variant.counters), z)),
    conversion: metric(
      compareProportions(conversionOf(control.counters), conversionOf(variant.counters), z),
    ),
  };
}

export function ctrOf(counters: ArmCounters): { successes: number; trials: number } {
  return { successes: counters.clicks, trials: counters.impressions };
}

export function conversionOf(counters: ArmCounters): { successes: number; trials: number } {
  return { successes: counters.convertedUsers, trials: counters.exposedUsers };
}

function smallSampleCaveat(arm: ArmSummary, guardrails: Guardrails): string {
  return (
    `arm ${arm.arm} has ${arm.counters.impressions}/${guardrails.minImpressionsPerArm} impressions ` +
    `and ${arm.counters.exposedUsers}/${guardrails.minUsersPerArm} users: p-values are not yet valid`
  );
}
