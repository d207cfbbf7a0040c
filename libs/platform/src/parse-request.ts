/** Turns a zod failure on a request into the platform's 400 (REQUEST_INVALID) with the offending fields named. */
import type { z } from 'zod';
import { AppError, toValidationIssues } from '@recsys/contracts';

export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('REQUEST_INVALID', `invalid ${what}`, {
    details: { issues: toValidationIssues(parsed.error) },
  });
}
