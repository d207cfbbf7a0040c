/**
 * Reads settings from the environment once, at start-up, into a typed object. A wrong or missing value
 * stops the service with a message naming every offending variable (values are never echoed: some are
 * secrets).
 */
import { z } from 'zod';

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;

  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Invalid configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Parses `env` (default: `process.env`) with `schema`; throws ConfigError naming each bad variable. */
export function parseConfig<TSchema extends z.ZodType>(
  schema: TSchema,
  env: EnvSource = process.env,
): z.output<TSchema> {
  const result = schema.safeParse(withoutEmptyValues(env));
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.length > 0 ? String(issue.path[0]) : '(environment)',
      message:
        issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    })),
  );
}

/** `FOO=` in a shell or a compose file means "not set", not "the empty string". */
function withoutEmptyValues(env: EnvSource): Record<string, string> {
  const entries = Object.entries(env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== '',
  );
  return Object.fromEntries(entries);
}
