/**
 * The envelope every storefront event carries, and the Kafka header names the platform writes.
 * Guarantees: `eventId` is client-chosen and stable across retries (the idempotency key);
 * at least one of `userId` / `anonymousId` is present; `timestamp` is when it happened on the client.
 */
import { z } from 'zod';
import { idSchema, propertiesSchema, timestampSchema } from './common';

export const deviceTypes = ['desktop', 'mobile', 'tablet', 'app', 'other'] as const;

export const eventContextSchema = z.strictObject({
  device: z
    .strictObject({
      type: z.enum(deviceTypes),
      os: z.string().max(64).optional(),
      browser: z.string().max(64).optional(),
    })
    .optional(),
  /** BCP-47 tag such as `en-GB`. */
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP-47 language tag')
    .optional(),
  page: z
    .strictObject({
      url: z.url().max(2048),
      title: z.string().max(512).optional(),
    })
    .optional(),
  referrer: z.url().max(2048).optional(),
  /** IANA time zone of the shopper, used for hour-of-day features (e.g. `Europe/Berlin`). */
  timeZone: z.string().max(64).optional(),
});
export type EventContext = z.infer<typeof eventContextSchema>;

export const consentSchema = z.strictObject({
  /** false: serve non-personalised results and keep this user's events out of training. */
  personalization: z.boolean(),
});

/** Fields shared by every storefront event. Each event schema extends this with its type and payload. */
export const envelopeShape = {
  eventId: idSchema,
  schemaVersion: z.literal(1),
  /**
   * The storefront's ids of the shopper and the visit. They never leave the collector as sent: on
   * `events.raw.v1` and `events.dlq.v1` each is its keyed pseudonym (libs/features pseudonymise.ts):
   * `u_<32 hex>`, `a_<32 hex>`, `sess_<32 hex>`.
   */
  userId: idSchema.optional(),
  anonymousId: idSchema.optional(),
  sessionId: idSchema,
  timestamp: timestampSchema,
  /** Set by the collector when it accepted the event; a client-sent value is overwritten. */
  receivedAt: timestampSchema.optional(),
  context: eventContextSchema.optional(),
  consent: consentSchema.optional(),
  properties: propertiesSchema.optional(),
};

const identityRequired = {
  check: (event: { userId?: unknown; anonymousId?: unknown }) =>
    event.userId !== undefined || event.anonymousId !== undefined,
  message: 'userId or anonymousId is required',
} as const;

/** Kafka header names. CloudEvents binary-mode names for metadata; `recsys_*` for platform ones. */
export const headerNames = {
  contentType: 'content-type',
  eventId: 'ce_id',
  eventSource: 'ce_source',
  eventSpecVersion: 'ce_specversion',
  eventSubject: 'ce_subject',
  eventTime: 'ce_time',
  eventType: 'ce_type',
  errorCode: 'recsys_error_code',
  errorRetriable: 'recsys_error_retriable',
  sourceOffset: 'recsys_source_offset',
  sourcePartition: 'recsys_source_partition',
  sourceTopic: 'recsys_source_topic',
  traceParent: 'traceparent',
} as const;

/**
 * Builds one storefront event schema: the envelope, the literal `eventType`, and the event's own fields.
 * Objects are strict, so a misspelt field is reported instead of silently dropped; custom data goes in
 * `properties`.
 */
export function defineStorefrontEvent<TType extends string, TShape extends z.ZodRawShape>(
  eventType: TType,
  shape: TShape,
) {
  return z
    .strictObject({ ...envelopeShape, eventType: z.literal(eventType), ...shape })
    .refine(identityRequired.check, { message: identityRequired.message, path: ['userId'] });
}
