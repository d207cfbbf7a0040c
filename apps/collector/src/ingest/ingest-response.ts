/**
 * The bodies `POST /v1/events` and `POST /v1/items` answer with, as zod schemas: one definition gives
 * the TypeScript types and the OpenAPI document's response schemas.
 */
import { z } from 'zod';
import {
  deadLetterReasons,
  errorCodeList,
  httpErrorV1Schema,
  validationIssueSchema,
} from '@recsys/contracts';

export const rejectedEntrySchema = z
  .strictObject({
    /** Position in the request (0 for a single event or item). */
    index: z.int().min(0),
    eventId: z.string().optional(),
    itemId: z.string().optional(),
    code: z.enum(errorCodeList),
    reason: z.enum(deadLetterReasons),
    message: z.string(),
    issues: z.array(validationIssueSchema).optional(),
  })
  .meta({ description: 'One refused event or item; it was also written to events.dlq.v1.' });
export type RejectedEntry = z.infer<typeof rejectedEntrySchema>;

export const ingestResultSchema = z
  .strictObject({
    accepted: z.int().min(0),
    rejected: z.array(rejectedEntrySchema),
  })
  .meta({ description: 'accepted + rejected.length = what the request held.' });
export type IngestResult = z.infer<typeof ingestResultSchema>;

/**
 * Every error body. A batch in which nothing was valid (400) also carries the per-entry result, so the
 * client sees every reason at once.
 */
export const errorBodySchema = z
  .strictObject({
    error: httpErrorV1Schema,
    accepted: z.int().min(0).optional(),
    rejected: z.array(rejectedEntrySchema).optional(),
  })
  .meta({ description: 'An error; `error.code` is stable, `retriable` says whether to retry.' });
export type ErrorResponseBody = z.infer<typeof errorBodySchema>;
