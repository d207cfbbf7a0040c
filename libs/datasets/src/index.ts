/**
 * Public interaction datasets and a synthetic storefront as contract-valid records, JSON-lines files of
 * them, and a replay of such a file into the collector's HTTP API.
 */
export * from './records';
export * from './import/importer';
export * from './import/pipeline';
export * from './import/registry';
export * from './import/report';
export { DatasetFormatError } from './io/lines';
export * from './io/jsonl';
export * from './synthetic/generator';
export type { GroundTruth, ShopperTaste } from './synthetic/ground-truth';
export type {
  SyntheticBrand,
  SyntheticCatalog,
  SyntheticCategory,
  SyntheticItem,
} from './synthetic/catalog';
export type { SyntheticUser } from './synthetic/population';
export { SeededRandom } from './synthetic/random';
export * from './replay/replay';
export {
  ReplayError,
  postBatch,
  type BatchOutcome,
  type CollectorClientOptions,
} from './replay/collector-client';
