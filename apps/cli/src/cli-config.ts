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
});

export interface CliConfig {
  collectorUrl: string | undefined;
  collectorWriteKey: string | undefined;
}

export function loadCliConfig(env?: EnvSource): CliConfig {
  const parsed = parseConfig(cliEnvSchema, env);
  return { collectorUrl: parsed.COLLECTOR_URL, collectorWriteKey: parsed.COLLECTOR_WRITE_KEY };
}
