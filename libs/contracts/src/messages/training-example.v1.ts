/**
 * `training_example` v1: one labelled (user, item, context) example with the features as they were
 * BEFORE the outcome happened (point-in-time correct: no label leakage).
 */
import { z } from 'zod';
import { idSchema, timestampSchema } from '../common';

export const trainingOutcomes = ['impression', 'click', 'add_to_cart', 'purchase'] as const;

export const trainingExampleV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  exampleId: idSchema,
  /** Pseudonymised user key, never the storefront's raw user id. */
  userKey: idSchema,
  itemId: idSchema,
  outcome: z.enum(trainingOutcomes),
  /** 1 when the outcome is a positive (click/cart/purchase), 0 for shown-but-not-acted-on. */
  label: z.union([z.literal(0), z.literal(1)]),
  /** The user's recent item sequence, most recent last. */
  sequence: z.array(idSchema).max(200),
  features: z.record(z.string().min(1).max(128), z.number().finite()),
  context: z.strictObject({
    hourOfDay: z.int().min(0).max(23),
    dayOfWeek: z.int().min(0).max(6),
    device: z.string().max(32),
  }),
  /** Feature spec the vector was computed with; the trainer refuses mixed versions in one window. */
  featureSpecVersion: z.int().min(1),
  occurredAt: timestampSchema,
  /** The event's data-quality window crossed a threshold: training may exclude it. */
  qualityFlagged: z.boolean(),
});
export type TrainingExampleV1 = z.infer<typeof trainingExampleV1Schema>;
