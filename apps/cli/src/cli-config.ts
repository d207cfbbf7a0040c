/** CLI settings from the environment, read through libs/config (the only place that reads it). */
import { z } from 'zod';
import { parseConfig, type EnvSource } from '@recsys/config';

const cliEnvSchema = z.object({
  /** Collector base URL used by `replay` when --collector is not given. @default none */
  COLLECTOR_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /** Write key sent as `x-write-key` by `replay` when --write-key is not given. @default none */
  COLLECTOR_WRITE_KEY: z.string().min(1).max(512).optional(),
  /** Trainer base URL used by `models` when --trainer is not given. @default none */
  TRAINER_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /** Scorer base URL used by `experiments` when --scorer is not given. @default none */
  SCORER_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /** Preprocessor base URL used by `users` (erasure) when --preprocessor is not given. @default none */
  PREPROCESSOR_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /** Bearer token for the admin endpoints (promote, rollback, experiments). @default none */
  ADMIN_TOKEN: z.string().min(16).optional(),
});

export interface CliConfig {
  collectorUrl: string | undefined;
  collectorWriteKey: string | undefined;
  trainerUrl: string | undefined;
  scorerUrl: string | undefined;
  preprocessorUrl: string | undefined;
  adminToken: string | undefined;
}

export function loadCliConfig(env?: EnvSource): CliConfig {
  const parsed = parseConfig(cliEnvSchema, env);
  return {
    collectorUrl: parsed.COLLECTOR_URL,
    collectorWriteKey: parsed.COLLECTOR_WRITE_KEY,
    trainerUrl: parsed.TRAINER_URL,
    scorerUrl: parsed.SCORER_URL,
    preprocessorUrl: parsed.PREPROCESSOR_URL,
    adminToken: parsed.ADMIN_TOKEN,
  };
}
