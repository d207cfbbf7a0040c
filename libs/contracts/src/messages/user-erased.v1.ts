/**
 * `user_erased` v1 (topic `privacy.erasures.v1`): one user's data was erased from the feature store and
 * a tombstone written. Consumers holding user data of their own (the trainer's window) drop the user's
 * examples from before `erasedAt`. The message names the user only by the erasure subject — a keyed hash
 * of the user key (`PRIVACY_TOMBSTONE_SECRET`) — so the topic itself is not a list of who asked.
 */
import { z } from 'zod';
import { timestampSchema } from '../common';

/** `s_` + 32 hex: HMAC-SHA-256 of the user key under the tombstone secret, truncated to 128 bits. */
export const erasureSubjectSchema = z.string().regex(/^s_[0-9a-f]{32}$/, 'must be s_ + 32 hex');

/** `er-` + a UUID, chosen by the service that performed the erasure. */
export const erasureRequestIdSchema = z
  .string()
  .regex(/^er-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be er-<uuid>');

export const userErasedV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  requestId: erasureRequestIdSchema,
  subject: erasureSubjectSchema,
  /** Events of the user that happened or were received at or before this instant are erased history. */
  erasedAt: timestampSchema,
});
export type UserErasedV1 = z.infer<typeof userErasedV1Schema>;
