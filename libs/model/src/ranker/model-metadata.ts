/**
 * What travels with a model's weights: identity (name, version, parent), what it reads (feature names
 * and normalisation, vocabulary, configuration, feature-spec version) and how it was made (training
 * window, metrics). Part of the artifact format: fields may only be added, optionally.
 */
import { z } from 'zod';
import { ModelError } from '../errors';
import { sequenceRankerConfigSchema, type SequenceRankerConfig } from './sequence-ranker-config';

export interface TrainingWindow {
  fromMs: number;
  toMs: number;
  examples: number;
}

export interface ModelMetadata {
  modelName: string;
  version: string;
  kind: 'sequence_ranker';
  featureSpecVersion: number;
  featureNames: string[];
  featureStats: { mean: number[]; std: number[] };
  /** ItemVocabulary JSON. */
  vocabulary: unknown;
  config: SequenceRankerConfig;
  trainingWindow: TrainingWindow;
  metrics: Record<string, number>;
  createdAt: string;
  parentVersion?: string;
}

/** The part of the metadata the caller stamps; the ranker fills in the rest from itself. */
export type MetadataStamp = Omit<
  ModelMetadata,
  | 'featureStats'
  | 'vocabulary'
  | 'config'
  | 'featureNames'
  | 'kind'
  | 'trainingWindow'
  | 'metrics'
  | 'createdAt'
> &
  Partial<Pick<ModelMetadata, 'trainingWindow' | 'metrics' | 'createdAt'>>;

const modelMetadataSchema = z.object({
  modelName: z.string().min(1),
  version: z.string().min(1),
  kind: z.literal('sequence_ranker'),
  featureSpecVersion: z.int(),
  featureNames: z.array(z.string()),
  featureStats: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  vocabulary: z.unknown(),
  config: sequenceRankerConfigSchema,
  trainingWindow: z.object({ fromMs: z.number(), toMs: z.number(), examples: z.int().min(0) }),
  metrics: z.record(z.string(), z.number()),
  createdAt: z.string(),
  parentVersion: z.string().optional(),
});

/** Checks stored metadata; throws MODEL_ARTIFACTS_INVALID when it does not describe this model kind. */
export function parseModelMetadata(metadata: unknown): ModelMetadata {
  const result = modelMetadataSchema.safeParse(metadata);
  const featureCount = result.success ? result.data.featureNames.length : -1;
  const consistent =
    result.success &&
    result.data.featureStats.mean.length === featureCount &&
    result.data.featureStats.std.length === featureCount &&
    result.data.config.featureNames.join('\u0000') === result.data.featureNames.join('\u0000');
  if (!result.success || !consistent) {
    const issues = result.success
      ? ['featureNames, featureStats and config.featureNames disagree']
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ModelError(
      'MODEL_ARTIFACTS_INVALID',
      `Invalid model metadata: ${issues.join('; ')}`,
      {
        details: { issues },
      },
    );
  }
  return { ...result.data, vocabulary: result.data.vocabulary };
}
