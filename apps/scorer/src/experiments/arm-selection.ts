/**
 * Which experiment and arm a request falls into, and what that arm serves. Bucketing is deterministic
 * by user key (libs/experiments), so a user sees the same arm on every replica and every request.
 */
import {
  CHAMPION,
  appliesToPlacement,
  assignArm,
  type Arm,
  type Experiment,
} from '@recsys/experiments';
import type { Ranker } from '@recsys/recommendation';
import { popularityRanker, sourceOrderRanker } from '../models/fallback-rankers';
import type { ModelCache } from '../models/model-cache';

/** The arm reported when no experiment applies. */
export const DEFAULT_ARM = 'default';

export interface ArmAssignment {
  experimentId?: string;
  arm: string;
  ranker: Ranker;
  /**
   * False for an arm that is non-personalised by design (popularity): it serves the same list to
   * everyone, so nothing of the shopper is read and the answer says `personalized: false`.
   */
  personal: boolean;
}

/** The first running experiment for the placement (experiments are expected not to overlap). */
export function experimentFor(
  experiments: readonly Experiment[],
  placement: string | undefined,
): Experiment | undefined {
  return experiments.find(
    (experiment) => experiment.status === 'running' && appliesToPlacement(experiment, placement),
  );
}

/** The champion, or the sources' order while no model was trained yet. */
export function defaultRanker(models: ModelCache): Ranker {
  return models.champion ?? sourceOrderRanker;
}

export async function rankerForArm(arm: Arm, models: ModelCache): Promise<Ranker> {
  const strategy = arm.strategy;
  switch (strategy.kind) {
    case 'model':
      if (strategy.modelVersion === CHAMPION) return defaultRanker(models);
      return (await models.version(strategy.modelVersion)) ?? defaultRanker(models);
    case 'popularity':
      return popularityRanker;
    case 'co_visitation':
      return sourceOrderRanker;
  }
}

export async function assignmentFor(input: {
  experiments: readonly Experiment[];
  placement: string | undefined;
  userKey: string | undefined;
  models: ModelCache;
}): Promise<ArmAssignment> {
  const experiment = experimentFor(input.experiments, input.placement);
  // Anonymous requests without any id cannot be bucketed stably: they get the default.
  if (experiment === undefined || input.userKey === undefined) {
    return { arm: DEFAULT_ARM, ranker: defaultRanker(input.models), personal: true };
  }
  const arm = assignArm(experiment, input.userKey);
  return {
    experimentId: experiment.id,
    arm: arm.name,
    ranker: await rankerForArm(arm, input.models),
    personal: arm.strategy.kind !== 'popularity',
  };
}

/**
 * What orders a given list (`POST /v1/rank`). The sources' order (no model trained yet, or a
 * co-visitation arm) is no order of a given list: there is no ranker, and the answer says `no_model`
 * instead of passing the given order off as a ranking.
 */
export function rerankerOf(assignment: ArmAssignment): Ranker | undefined {
  return assignment.ranker === sourceOrderRanker ? undefined : assignment.ranker;
}
