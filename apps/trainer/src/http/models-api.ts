/**
 * The models API's request and answer shapes as zod schemas: the controller validates the query with
 * them, and the OpenAPI document is generated from them. Each answer is checked against the TypeScript
 * type the code returns (`satisfies`), so a field renamed in the code fails the type check here.
 */
import { z } from 'zod';
import type { ModelVersionRecord, PromotionRecord } from '@recsys/feature-store';
import { sequenceEncoders } from '@recsys/model';
import type { CycleResult } from '../training/training-cycle.usecase';
import type { WindowErasure } from '../window/window-erasures.service';

const count = z.int().min(0);
const instant = z.string().min(1);

/** `GET /v1/models` query. */
export const modelsQuerySchema = z.strictObject({
  /** Versions and promotions listed, newest first. @default 50 */
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** A version in a `promote` path: what the registry can hold. */
export const modelVersionSchema = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/);

export const modelVersionRecordSchema = z.strictObject({
  version: z.string(),
  kind: z.string(),
  createdAt: instant,
  featureSpecVersion: z.int(),
  /** Held-out metrics, and the baselines' on the same split (prefixed `baseline.`). */
  metrics: z.record(z.string(), z.number()),
  status: z.enum(['candidate', 'champion', 'retired', 'rejected']),
  parentVersion: z.string().optional(),
  trainingWindow: z.strictObject({ fromMs: z.int(), toMs: z.int(), examples: count }).optional(),
  note: z.string().optional(),
}) satisfies z.ZodType<ModelVersionRecord>;

export const promotionRecordSchema = z.strictObject({
  version: z.string(),
  previousVersion: z.string().optional(),
  reason: z.enum(['beat_champion', 'manual_promote', 'rollback', 'first_model']),
  at: instant,
}) satisfies z.ZodType<PromotionRecord>;

const heldOutMetricsSchema = z.strictObject({
  auc: z.number(),
  logLoss: z.number(),
  'hr@10': z.number(),
  'ndcg@10': z.number(),
  'mrr@10': z.number(),
  examples: count,
  rankedEvents: count,
});

export const cycleResultSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('skipped'), reason: z.string() }),
  z.strictObject({
    status: z.enum(['promoted', 'rejected']),
    version: z.string(),
    decision: z.discriminatedUnion('promote', [
      z.strictObject({
        promote: z.literal(true),
        reason: z.enum(['first_model', 'beat_champion']),
        note: z.string(),
      }),
      z.strictObject({
        promote: z.literal(false),
        reason: z.enum(['did_not_beat_champion', 'worse_than_baseline']),
        note: z.string(),
      }),
    ]),
    challenger: heldOutMetricsSchema,
    champion: heldOutMetricsSchema.optional(),
    baseline: heldOutMetricsSchema,
    trainingExamplesPerSecond: z.number(),
    /** Validation AUC per candidate encoder when several were compared. */
    selection: z.array(
      z.strictObject({ encoder: z.enum(sequenceEncoders), auc: z.number(), folds: count }),
    ),
  }),
]) satisfies z.ZodType<CycleResult>;

export const modelsListSchema = z.strictObject({
  modelName: z.string(),
  champion: z.string().nullable(),
  versions: z.array(modelVersionRecordSchema),
  /** Newest first. */
  history: z.array(promotionRecordSchema),
  window: z.strictObject({
    examples: count,
    newSinceTraining: count,
    featureSpecVersion: z.int().nullable(),
  }),
  lastRun: cycleResultSchema.nullable(),
});
export type ModelsList = z.output<typeof modelsListSchema>;

export const windowErasureSchema = z.strictObject({
  requestId: z.string(),
  subject: z.string(),
  erasedAt: instant,
  /** When this trainer process applied the announcement. */
  appliedAt: instant,
  purgedExamples: count,
  /** Examples of the subject's erased history still in the window: 0 once applied. */
  remainingExamples: count,
}) satisfies z.ZodType<WindowErasure & { remainingExamples: number }>;

export const subjectExamplesSchema = z.strictObject({
  subject: z.string(),
  erasedAt: instant.nullable(),
  windowExamples: count,
  erasedHistoryExamples: count,
});
