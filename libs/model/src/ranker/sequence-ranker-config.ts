/**
 * What a sequence ranker is made of. The configuration travels inside the model artifact
 * (ModelMetadata.config), so fields may only be added, optionally.
 */
import { z } from 'zod';
import { ModelError } from '../errors';

export const sequenceEncoders = ['pooling', 'conv1d', 'gru', 'lstm'] as const;
export type SequenceEncoder = (typeof sequenceEncoders)[number];

export const sequenceRankerConfigSchema = z.object({
  /** Items of history the model reads (most recent last, left-padded). */
  sequenceLength: z.int().min(1).max(1_000),
  /** Width of the item embedding, of the sequence encoding and of the recurrent state. */
  embeddingDim: z.int().min(1).max(1_024),
  /**
   * How the sequence becomes one vector: `pooling` (mean of the items), `conv1d` (Conv1D k=3 + mean
   * and max pooling + projection), `gru` or `lstm` (last state; padding masked).
   */
  encoder: z.enum(sequenceEncoders),
  /** Widths of the ReLU layers between the inputs and the sigmoid output (may be empty). */
  hiddenUnits: z.array(z.int().min(1).max(4_096)),
  /** Adam's step size. */
  learningRate: z.number().positive().max(1),
  /** Dense features, in the order the model reads them (names of RankingCandidate.features). */
  featureNames: z.array(z.string().min(1)).refine((names) => new Set(names).size === names.length, {
    message: 'feature names must be unique',
  }),
  /** Makes initialisation and shuffling repeatable. @default random */
  seed: z.int().optional(),
});

export type SequenceRankerConfig = z.infer<typeof sequenceRankerConfigSchema>;

/** The configuration, checked; throws MODEL_CONFIG_INVALID naming the offending fields. */
export function parseSequenceRankerConfig(config: unknown): SequenceRankerConfig {
  const result = sequenceRankerConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ModelError(
    'MODEL_CONFIG_INVALID',
    `Invalid sequence ranker config: ${issues.join('; ')}`,
    {
      details: { issues },
    },
  );
}
