/**
 * How property tests run: a fixed seed (so CI is reproducible and a failure message's seed and path
 * replay it exactly) and a run count scaled for full-size runs.
 *   PROPERTY_SEED=<int>         another fixed seed (e.g. the one a failure printed)
 *   PROPERTY_RUNS_FACTOR=<int>  multiply every property's run count (full-size: 10 or more)
 */
import type { Parameters } from 'fast-check';
import { z } from 'zod';
import { parseConfig } from '@recsys/config';

/** The seed every property uses unless PROPERTY_SEED says otherwise. */
export const DEFAULT_PROPERTY_SEED = 20_261_129;

const settingsSchema = z.object({
  PROPERTY_SEED: z.coerce.number().int().default(DEFAULT_PROPERTY_SEED),
  PROPERTY_RUNS_FACTOR: z.coerce.number().int().min(1).max(1_000).default(1),
});

/** fast-check parameters: `numRuns` (scaled), the fixed seed, and the counterexample on failure. */
export function propertyParameters<T>(numRuns: number): Parameters<T> {
  const settings = parseConfig(settingsSchema);
  return {
    seed: settings.PROPERTY_SEED,
    numRuns: numRuns * settings.PROPERTY_RUNS_FACTOR,
    endOnFailure: true,
  };
}
