/**
 * `dead_letter` v1: something the platform could not accept or process, kept with a typed reason so
 * nothing is silently dropped. `payload` holds the original bytes as text (truncated at 64 KiB).
 */
import { z } from 'zod';
import { errorCodeList } from '../error-codes';
import { timestampSchema } from '../common';

export const deadLetterReasons = [
  'schema_violation',
  'malformed_json',
  'too_large',
  'timestamp_out_of_range',
  'negative_price',
  'unknown_item',
  'handler_error',
] as const;
export type DeadLetterReason = (typeof deadLetterReasons)[number];

export const DEAD_LETTER_PAYLOAD_MAX_CHARS = 65_536;

export const validationIssueSchema = z.strictObject({
  path: z.string().max(512),
  message: z.string().max(1024),
});
export type ValidationIssue = z.infer<typeof validationIssueSchema>;

export const deadLetterV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  reason: z.enum(deadLetterReasons),
  code: z.enum(errorCodeList as [string, ...string[]]),
  message: z.string().max(2048),
  issues: z.array(validationIssueSchema).max(100).optional(),
  /** The service that dead-lettered it (e.g. `collector`). */
  service: z.string().min(1).max(64),
  eventId: z.string().max(256).optional(),
  eventType: z.string().max(64).optional(),
  source: z
    .strictObject({
      topic: z.string(),
      partition: z.int().min(0),
      offset: z.string(),
    })
    .optional(),
  payload: z.string().max(DEAD_LETTER_PAYLOAD_MAX_CHARS),
  payloadTruncated: z.boolean(),
  failedAt: timestampSchema,
});
export type DeadLetterV1 = z.infer<typeof deadLetterV1Schema>;
