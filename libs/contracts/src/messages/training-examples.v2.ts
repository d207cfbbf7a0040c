/**
 * `training_examples` v2: the labelled events of one stretch of a source partition, compact. One record
 * per labelled event (a click, cart or purchase): its context and sequence once, the user-and-context
 * features once (`shared`), and per item — the positive(s) and the negatives — only the item's own and
 * cross features, each a numeric array in the order the message names. Every feature is as it was
 * BEFORE the outcome happened (point-in-time correct: no label leakage).
 *
 * Ids are deterministic (the labelled event's id, the source offsets of the batch), so a preprocessor
 * that crashes after writing a message and writes it again produces the same ids, and the trainer keeps
 * one copy. `expandTrainingExamples` turns a message into the one-example-per-item view training uses.
 */
import { z } from 'zod';
import { idSchema, timestampSchema } from '../common';

export const trainingOutcomes = ['impression', 'click', 'add_to_cart', 'purchase'] as const;
export const labelledOutcomes = ['click', 'add_to_cart', 'purchase'] as const;

/** Records per message: keeps a message far below Kafka's default 1 MB limit. */
export const MAX_TRAINING_RECORDS_PER_MESSAGE = 100;

const featureNameSchema = z.string().min(1).max(128);
const featureValuesSchema = z.array(z.number().finite()).max(256);

const contextSchema = z.strictObject({
  hourOfDay: z.int().min(0).max(23),
  dayOfWeek: z.int().min(0).max(6),
  device: z.string().max(32),
});

const labelledItemSchema = z.strictObject({
  itemId: idSchema,
  /** 1 for the item acted on, 0 for a negative (shown but not acted on, or sampled). */
  label: z.union([z.literal(0), z.literal(1)]),
  features: featureValuesSchema,
});

export const trainingRecordSchema = z.strictObject({
  /** The labelled event's id: the same event always gives the same record. */
  eventId: idSchema,
  /** Pseudonymised user key, never the storefront's raw user id. */
  userKey: idSchema,
  outcome: z.enum(labelledOutcomes),
  occurredAtMs: z.int().min(0),
  context: contextSchema,
  /** The user's recent item sequence, most recent last. */
  sequence: z.array(idSchema).max(200),
  shared: featureValuesSchema,
  items: z.array(labelledItemSchema).min(1).max(64),
});
export type TrainingRecord = z.infer<typeof trainingRecordSchema>;

export const trainingExamplesV2Schema = z
  .strictObject({
    schemaVersion: z.literal(2),
    /** `<source topic>:<partition>:<first offset>-<last offset>/<chunk>`: the same batch, the same id. */
    batchId: idSchema,
    /** Feature spec the arrays were computed with; the trainer refuses mixed versions in one window. */
    featureSpecVersion: z.int().min(1),
    /** Names of each record's `shared` values, in order. */
    sharedFeatures: z.array(featureNameSchema).max(256),
    /** Names of each item's `features` values, in order. */
    itemFeatures: z.array(featureNameSchema).max(256),
    /** The batch's data-quality window crossed a threshold: training may exclude its examples. */
    qualityFlagged: z.boolean(),
    writtenAt: timestampSchema,
    records: z.array(trainingRecordSchema).min(1).max(MAX_TRAINING_RECORDS_PER_MESSAGE),
  })
  .superRefine((message, context) => {
    message.records.forEach((record, index) => {
      if (record.shared.length !== message.sharedFeatures.length)
        context.addIssue({
          code: 'custom',
          path: ['records', index, 'shared'],
          message: `has ${record.shared.length} values for ${message.sharedFeatures.length} names`,
        });
      record.items.forEach((item, itemIndex) => {
        if (item.features.length !== message.itemFeatures.length)
          context.addIssue({
            code: 'custom',
            path: ['records', index, 'items', itemIndex, 'features'],
            message: `has ${item.features.length} values for ${message.itemFeatures.length} names`,
          });
      });
    });
  });
export type TrainingExamplesV2 = z.infer<typeof trainingExamplesV2Schema>;

/** One labelled (user, item, context) example with named features: what training works on. */
export interface TrainingExample {
  /** `<eventId>:<itemId>:<label>`: deterministic, so a rewritten message replaces, never duplicates. */
  exampleId: string;
  userKey: string;
  itemId: string;
  outcome: (typeof trainingOutcomes)[number];
  label: 0 | 1;
  sequence: string[];
  features: Record<string, number>;
  context: z.infer<typeof contextSchema>;
  featureSpecVersion: number;
  occurredAt: string;
  qualityFlagged: boolean;
}

/** The message's examples, one per (record, item), features named. */
export function expandTrainingExamples(message: TrainingExamplesV2): TrainingExample[] {
  return message.records.flatMap((record) => {
    const occurredAt = new Date(record.occurredAtMs).toISOString();
    const shared = named(message.sharedFeatures, record.shared, {});
    return record.items.map((item) => ({
      exampleId: `${record.eventId}:${item.itemId}:${item.label}`,
      userKey: record.userKey,
      itemId: item.itemId,
      outcome: item.label === 1 ? record.outcome : 'impression',
      label: item.label,
      sequence: record.sequence,
      features: named(message.itemFeatures, item.features, { ...shared }),
      context: record.context,
      featureSpecVersion: message.featureSpecVersion,
      occurredAt,
      qualityFlagged: message.qualityFlagged,
    }));
  });
}

function named(
  names: readonly string[],
  values: readonly number[],
  into: Record<string, number>,
): Record<string, number> {
  names.forEach((name, index) => {
    into[name] = values[index]!;
  });
  return into;
}
