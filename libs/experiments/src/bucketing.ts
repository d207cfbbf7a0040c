/**
 * Deterministic assignment of users to arms. A user's position `u ∈ [0, 1)` is the first 52 bits of
 * SHA-256(experimentId ␟ salt ␟ userKey): the same on every process, machine and Node version, uniform,
 * and independent between experiments (a user's arm in one experiment says nothing about another).
 * The arm is the one whose cumulative-share range contains `u`, in the order the arms are listed.
 */
import { createHash } from 'node:crypto';
import type { Arm, Experiment } from './experiment';

/** U+001F (unit separator): cannot occur in ids, so `("ab", "c")` and `("a", "bc")` never collide. */
const SEPARATOR = '\u001f';
const TWO_POW_52 = 2 ** 52;

export interface BucketingUnit {
  /** The experiment or offer campaign being randomised. */
  experimentId: string;
  /** @default '' */
  salt?: string;
  userKey: string;
}

/** The user's stable position in [0, 1) for this experiment and salt. */
export function bucketValue(unit: BucketingUnit): number {
  const digest = createHash('sha256')
    .update(`${unit.experimentId}${SEPARATOR}${unit.salt ?? ''}${SEPARATOR}${unit.userKey}`)
    .digest();
  // 48 bits + the high 4 bits of the 7th byte = 52 bits: every value is an exact double below 1.
  const high48 = digest.readUIntBE(0, 6);
  const next4 = (digest[6] ?? 0) >> 4;
  return (high48 * 16 + next4) / TWO_POW_52;
}

/**
 * The arm whose cumulative-share range `[s₁ + … + sₖ₋₁, s₁ + … + sₖ)` contains `u`. Arms with share 0
 * get nobody; rounding slack at the top end goes to the last arm with a positive share.
 */
export function armAt<T extends Pick<Arm, 'share'>>(arms: readonly T[], u: number): T {
  let upper = 0;
  let lastPositive: T | undefined;
  for (const arm of arms) {
    if (arm.share <= 0) continue;
    upper += arm.share;
    lastPositive = arm;
    if (u < upper) return arm;
  }
  if (lastPositive === undefined) throw new RangeError('no arm has a positive share');
  return lastPositive;
}

/** The arm this user sees in this experiment (stable for a given id, salt and arm list). */
export function assignArm(experiment: Experiment, userKey: string): Arm {
  const u = bucketValue({ experimentId: experiment.id, salt: experiment.salt, userKey });
  return armAt(experiment.arms, u);
}
