/**
 * The one error body every service answers with (libs/platform's AppErrorFilter): a stable `code` (from
 * error-codes.ts, or HTTP_<status> / NOT_FOUND / INTERNAL for failures outside the platform's control),
 * a message, whether retrying can help, and details that are safe to return.
 */
import { z } from 'zod';

export const httpErrorV1Schema = z.strictObject({
  code: z.string(),
  message: z.string(),
  retriable: z.boolean(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type HttpErrorV1 = z.infer<typeof httpErrorV1Schema>;

export const errorResponseV1Schema = z
  .strictObject({ error: httpErrorV1Schema })
  .meta({ description: 'An error; `error.code` is stable, `retriable` says whether to retry.' });
export type ErrorResponseV1 = z.infer<typeof errorResponseV1Schema>;
