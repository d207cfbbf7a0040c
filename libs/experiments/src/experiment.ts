/**
 * An A/B experiment definition: one zod schema gives the runtime check (on every store read and write)
 * and the type. Guarantees after parsing: arm names are unique slugs, shares sum to 1 (± 1e-9), the
 * control arm is one of the arms, and every status past `draft` has a start time.
 */
import { z } from 'zod';
import { timestampSchema } from '@recsys/contracts';

/** Tolerance of the shares' sum: floating-point shares like 0.1 + 0.2 + 0.7 must still pass. */
export const SHARE_SUM_TOLERANCE = 1e-9;

/** Letters, digits and `_ . : -`; no `|`, `{` or `}`, which the Redis key layout uses as separators. */
export const experimentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be 1–128 of [A-Za-z0-9_.:-]');

/** An arm name: the `arm` of impressions and responses (≤ 64 characters there too). */
export const armNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1–64 of [A-Za-z0-9_.-]');

const modelVersionSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}$/, 'must be 1–128 of [A-Za-z0-9_.:+-]');

/**
 * What an arm serves. A new kind is a new member of the union (the scorer's switch over `kind` is then
 * flagged by the exhaustiveness lint until it handles it).
 */
export const strategySchema = z.discriminatedUnion('kind', [
  /** A ranking model: `champion` follows whatever version is promoted; anything else pins a version. */
  z.strictObject({ kind: z.literal('model'), modelVersion: modelVersionSchema }),
  z.strictObject({ kind: z.literal('popularity') }),
  z.strictObject({ kind: z.literal('co_visitation') }),
]);
export type Strategy = z.infer<typeof strategySchema>;
export type StrategyKind = Strategy['kind'];

export const CHAMPION = 'champion';

export const armSchema = z.strictObject({
  name: armNameSchema,
  /** Fraction of users assigned to this arm, in [0, 1]. */
  share: z.number().finite().min(0).max(1),
  strategy: strategySchema,
});
export type Arm = z.infer<typeof armSchema>;

export const experimentStatuses = ['draft', 'running', 'stopped', 'concluded'] as const;
export const experimentStatusSchema = z.enum(experimentStatuses);
export type ExperimentStatus = z.infer<typeof experimentStatusSchema>;

export const primaryMetrics = ['ctr', 'conversion'] as const;
export type PrimaryMetric = (typeof primaryMetrics)[number];

export const guardrailsSchema = z.strictObject({
  /** No decision before every arm has this many impressions. */
  minImpressionsPerArm: z.int().min(0),
  /** No decision before every arm has this many exposed users. */
  minUsersPerArm: z.int().min(0),
  /**
   * Largest relative conversion drop tolerated (0.02 = 2 %), as a non-inferiority margin: the one-sided
   * lower confidence bound of the relative change must stay above `-maxConversionDrop`.
   */
  maxConversionDrop: z.number().finite().min(0).max(1),
  /** Two-sided significance level of the primary test (one-sided for the conversion guardrail). */
  alpha: z.number().gt(0).max(0.5),
});
export type Guardrails = z.infer<typeof guardrailsSchema>;

export const promotionSchema = z.strictObject({
  arm: armNameSchema,
  reason: z.string().min(1).max(1000),
  promotedAt: timestampSchema,
});
export type Promotion = z.infer<typeof promotionSchema>;

const experimentObjectSchema = z.strictObject({
  id: experimentIdSchema,
  description: z.string().max(2000),
  status: experimentStatusSchema,
  /** Changing the salt re-randomises every user (use it to restart an experiment cleanly). */
  salt: z.string().max(64).optional(),
  arms: z.array(armSchema).min(2).max(20),
  controlArm: armNameSchema,
  /** Placements (e.g. `home`, `pdp`) the experiment applies to; absent means every placement. */
  placements: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  primaryMetric: z.enum(primaryMetrics),
  guardrails: guardrailsSchema,
  /** Whether a `promote` decision may be applied without a human. */
  autoPromote: z.boolean(),
  startedAt: timestampSchema.optional(),
  promotion: promotionSchema.optional(),
});

export const experimentSchema = experimentObjectSchema.superRefine(checkConsistency);
export type Experiment = z.infer<typeof experimentSchema>;

function checkConsistency(
  experiment: z.output<typeof experimentObjectSchema>,
  context: z.core.$RefinementCtx<z.output<typeof experimentObjectSchema>>,
): void {
  const names = experiment.arms.map((arm) => arm.name);
  const issue = (message: string, path: PropertyKey[]) =>
    context.addIssue({ code: 'custom', message, path });
  if (new Set(names).size !== names.length) issue('arm names must be unique', ['arms']);
  const sum = experiment.arms.reduce((total, arm) => total + arm.share, 0);
  if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) issue(`arm shares sum to ${sum}, not 1`, ['arms']);
  if (!names.includes(experiment.controlArm)) issue('controlArm must name an arm', ['controlArm']);
  if (experiment.status !== 'draft' && experiment.startedAt === undefined) {
    issue(`a ${experiment.status} experiment needs startedAt`, ['startedAt']);
  }
  if (experiment.promotion !== undefined && !names.includes(experiment.promotion.arm)) {
    issue('the promoted arm must be one of the arms', ['promotion', 'arm']);
  }
}

const TRANSITIONS: Record<ExperimentStatus, readonly ExperimentStatus[]> = {
  draft: ['running'],
  running: ['stopped', 'concluded'],
  stopped: ['running', 'concluded'],
  concluded: [],
};

/** Allowed status changes: draft → running ⇄ stopped → concluded (running → concluded too). */
export function canTransition(from: ExperimentStatus, to: ExperimentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether the experiment applies to a request for this placement. */
export function appliesToPlacement(experiment: Experiment, placement: string | undefined): boolean {
  if (experiment.placements === undefined) return true;
  return placement !== undefined && experiment.placements.includes(placement);
}

/** Parses an unknown value (a stored JSON document, an API body) into an experiment; throws ZodError. */
export function parseExperiment(value: unknown): Experiment {
  return experimentSchema.parse(value);
}
