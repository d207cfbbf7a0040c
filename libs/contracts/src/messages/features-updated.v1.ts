/**
 * `features_updated` v1: the preprocessor applied one event to the feature store. Consumers (the scorer's
 * caches, freshness metrics) learn which entities changed without reading Redis.
 */
import { z } from 'zod';
import { idSchema, timestampSchema } from '../common';

export const featureEntityTypes = ['user', 'item', 'item_pair', 'session'] as const;

export const featuresUpdatedV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  eventId: idSchema,
  eventType: z.string().min(1).max(64),
  entities: z
    .array(z.strictObject({ type: z.enum(featureEntityTypes), id: z.string().min(1).max(300) }))
    .max(1000),
  featureGroups: z.array(z.string().min(1).max(64)).max(50),
  /** Version of the feature-store key layout that was written (`FORMAT.md`). */
  featureFormatVersion: z.int().min(1),
  eventTimestamp: timestampSchema,
  updatedAt: timestampSchema,
});
export type FeaturesUpdatedV1 = z.infer<typeof featuresUpdatedV1Schema>;
