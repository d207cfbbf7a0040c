/**
 * @recsys/model — the platform's TensorFlow.js model library. The only code that imports
 * `@tensorflow/*`: backend selection, the training kernels wasm lacks, the item vocabulary, the sequence
 * ranker (factory and Ranker implementation) and model artifacts in a store (no file system).
 */
export {
  initialiseTensorflow,
  initialisedBackend,
  tensorflowBackendNames,
  type InitialiseTensorflowOptions,
  type TensorflowBackend,
  type TensorflowBackendName,
} from './backend/initialise-tensorflow';
export {
  ModelError,
  modelErrorCodeNames,
  type ModelErrorCode,
  type ModelErrorOptions,
} from './errors';
export {
  ArtifactStoreIOHandler,
  type ArtifactStoreIOHandlerOptions,
} from './io/artifact-store-io-handler';
export {
  InMemoryModelArtifactStore,
  type ModelArtifactStore,
  type ModelArtifacts,
} from './io/model-artifact-store';
export {
  registerCpuTrainingKernels,
  registerWasmTrainingKernels,
  type KernelRegistration,
} from './kernels/register-training-kernels';
export {
  buildSequenceRanker,
  CONV1D_KERNEL_SIZE,
  ITEM_EMBEDDING_LAYER,
  rankerInputNames,
  type SequenceRankerShape,
} from './ranker/build-sequence-ranker';
export {
  computeFeatureStats,
  type FeatureStats,
  type LabelledExample,
  type RankingExample,
} from './ranker/examples';
export {
  parseModelMetadata,
  type MetadataStamp,
  type ModelMetadata,
  type TrainingWindow,
} from './ranker/model-metadata';
export { SequenceRanker, UNVERSIONED, type FitOptions } from './ranker/sequence-ranker';
export {
  parseSequenceRankerConfig,
  sequenceEncoders,
  sequenceRankerConfigSchema,
  type SequenceEncoder,
  type SequenceRankerConfig,
} from './ranker/sequence-ranker-config';
export type { TrainingProgress, TrainingSummary } from './ranker/training-loop';
export {
  ItemVocabulary,
  OUT_OF_VOCABULARY_INDEX,
  PADDING_INDEX,
  RESERVED_ROWS,
  type ItemVocabularyJson,
  type ItemVocabularyOptions,
} from './vocabulary/item-vocabulary';
export * from './nest/tensorflow.provider';
