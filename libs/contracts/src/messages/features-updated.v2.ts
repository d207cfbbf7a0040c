/**
 * `features_updated` v2: the preprocessor applied a batch of one source partition's events to the
 * feature store. One message per batch (or per `MAX_UPDATED_EVENTS_PER_MESSAGE` events of it), not one
 * per event: consumers (the scorer's precomputed lists, freshness metrics) learn which users and items
 * changed without reading Redis, and a user active many times in a batch is named once.
 */
import { z } from 'zod';
import { idSchema, timestampSchema } from '../common';

/** Events per message; a message also names at most this many users and items each. */
export const MAX_UPDATED_EVENTS_PER_MESSAGE = 1000;

export const featuresUpdatedV2Schema = z.strictObject({
  schemaVersion: z.literal(2),
  /** `<source topic>:<partition>:<first offset>-<last offset>/<chunk>`. */
  batchId: idSchema,
  /** Version of the feature-store key layout that was written (`FORMAT.md`). */
  featureFormatVersion: z.int().min(1),
  /** When the batch's writes were done: its features are visible from then on. */
  updatedAt: timestampSchema,
  /** Pseudonymised keys of the users whose features changed, each once. */
  users: z.array(idSchema).max(MAX_UPDATED_EVENTS_PER_MESSAGE),
  /** Items whose features changed (counters, popularity, co-visitation), each once. */
  items: z.array(idSchema).max(MAX_UPDATED_EVENTS_PER_MESSAGE * 10),
  /** Feature groups any of the events changed. */
  featureGroups: z.array(z.string().min(1).max(64)).max(50),
  /** The applied events, for tracing and freshness. */
  events: z
    .array(
      z.strictObject({
        eventId: idSchema,
        eventType: z.string().min(1).max(64),
        eventTimestamp: timestampSchema,
      }),
    )
    .min(1)
    .max(MAX_UPDATED_EVENTS_PER_MESSAGE),
});
export type FeaturesUpdatedV2 = z.infer<typeof featuresUpdatedV2Schema>;
