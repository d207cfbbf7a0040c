/**
 * The privacy API (preprocessor, admin bearer token): `POST /v1/privacy/erasures` erases one shopper
 * and answers with a receipt; `GET /v1/privacy/erasures/{requestId}` returns a stored receipt.
 * Guarantees: a receipt never holds the storefront's user id nor the platform's pseudonym, only the
 * erasure subject (a keyed hash); it lists what was removed, what was kept and until when.
 */
import { z } from 'zod';
import { idSchema, timestampSchema } from '../common';
import { erasureRequestIdSchema, erasureSubjectSchema } from '../messages/user-erased.v1';

const exactlyOneIdentity = {
  check: (body: { userId?: unknown; anonymousId?: unknown }) =>
    (body.userId === undefined) !== (body.anonymousId === undefined),
  message: 'exactly one of userId or anonymousId is required',
} as const;

export const erasureRequestV1Schema = z
  .strictObject({
    /** The storefront's user id (pseudonymised by the service, as the collector does). */
    userId: idSchema.optional(),
    /** An anonymous (device) id, kept as it is by the collector: erased as given. */
    anonymousId: idSchema.optional(),
    /** Who asked (a ticket or an operator), stored with the receipt. */
    requestedBy: z.string().trim().min(1).max(128).optional(),
    /** Why (e.g. "GDPR art. 17 request #1234"), stored with the receipt; no personal data. */
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .refine(exactlyOneIdentity.check, { message: exactlyOneIdentity.message, path: ['userId'] });
export type ErasureRequestV1 = z.output<typeof erasureRequestV1Schema>;

/** Kinds of user data the feature store keeps (libs/feature-store/FORMAT.md). */
export const erasedDataKinds = [
  /** The packed state: profile, affinities, recent and session items in one value. */
  'user_features',
  'user_profile',
  'category_affinity',
  'brand_affinity',
  'recent_items',
  'session_items',
  'recommendations_shown',
  'purchased_items',
  'impression_lists',
  'experiment_exposures',
  'experiment_arm_membership',
  'experiment_conversions',
  'offer_decisions',
  'offer_conversions',
  'served_request_links',
] as const;
export type ErasedDataKind = (typeof erasedDataKinds)[number];

const count = z.int().min(0);

export const erasureRemovalSchema = z.strictObject({
  store: z.literal('redis'),
  kind: z.enum(erasedDataKinds),
  /** The key layout, with `<userKey>` and other placeholders (never the user's actual key). */
  keyPattern: z.string().min(1).max(200),
  /** Keys deleted, or keys the user was removed from (sets, hashes of other owners). */
  keys: count,
  /** Fields, list entries or set members removed. */
  entries: count,
});
export type ErasureRemoval = z.infer<typeof erasureRemovalSchema>;

/** Data the erasure did not remove: where it is, why it stays, and until when. */
export const erasureRetainedSchema = z.strictObject({
  what: z.string().min(1).max(300),
  where: z.string().min(1).max(200),
  /** Kafka's retention of the topic in ms; null when unlimited or not applicable. */
  retentionMs: z.number().int().min(0).nullable(),
  until: z.string().min(1).max(300),
});
export type ErasureRetained = z.infer<typeof erasureRetainedSchema>;

export const erasureReceiptV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  requestId: erasureRequestIdSchema,
  subject: erasureSubjectSchema,
  identity: z.enum(['user', 'anonymous']),
  requestedAt: timestampSchema,
  /** Events that happened or were received at or before this instant are never applied again. */
  erasedAt: timestampSchema,
  requestedBy: z.string().max(128).optional(),
  reason: z.string().max(500).optional(),
  /** `nothing_found`: no data of the user was left (never seen, or already erased). */
  outcome: z.enum(['erased', 'nothing_found']),
  tombstone: z.strictObject({
    keyPattern: z.string().min(1).max(200),
    /** false when an earlier erasure's tombstone was found (and moved forward to `erasedAt`). */
    created: z.boolean(),
    erasures: z.int().min(1),
    firstErasedAt: timestampSchema,
    previous: z
      .strictObject({ requestId: erasureRequestIdSchema, erasedAt: timestampSchema })
      .optional(),
    /** The user had refused personalisation: later events stay unapplied until they consent again. */
    consentRefusalCarried: z.boolean(),
  }),
  removed: z.array(erasureRemovalSchema).max(100),
  announcement: z.strictObject({
    topic: z.string().min(1).max(300),
    partition: z.int().min(0),
    offset: z.string().regex(/^\d+$/),
  }),
  retained: z.array(erasureRetainedSchema).max(50),
  notes: z.array(z.string().min(1).max(500)).max(20),
});
export type ErasureReceiptV1 = z.infer<typeof erasureReceiptV1Schema>;
