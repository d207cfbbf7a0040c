/** `model_published` v1: a model version became champion; scorers hot-reload it from the registry. */
import { z } from 'zod';
import { timestampSchema } from '../common';

export const modelPublishedV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  modelName: z.string().min(1).max(64),
  version: z.string().min(1).max(128),
  previousVersion: z.string().min(1).max(128).optional(),
  /** Where the registry keeps it (opaque to consumers; passed back to the registry's load). */
  registryKey: z.string().min(1).max(512),
  featureSpecVersion: z.int().min(1),
  metrics: z.record(z.string().min(1).max(64), z.number().finite()),
  reason: z.enum(['beat_champion', 'manual_promote', 'rollback', 'first_model']),
  publishedAt: timestampSchema,
});
export type ModelPublishedV1 = z.infer<typeof modelPublishedV1Schema>;
