/**
 * A tfjs IOHandler over a ModelArtifactStore: `model.save(handler)` writes topology, weight specs,
 * weight bytes and metadata under one key; `loadLayersModel(handler)` reads them back. No file system.
 */
import { io, util } from '@tensorflow/tfjs-core';
import { ModelError } from '../errors';
import { parseModelMetadata, type ModelMetadata } from '../ranker/model-metadata';
import type { ModelArtifactStore, ModelArtifacts } from './model-artifact-store';

export interface ArtifactStoreIOHandlerOptions {
  store: ModelArtifactStore;
  key: string;
  /** Written with the weights; required to save, ignored when loading. */
  metadata?: ModelMetadata;
}

function toUint8Array(weightData: io.WeightData | undefined): Uint8Array {
  if (weightData === undefined) return new Uint8Array(0);
  // Copies into a fresh buffer: never a view of backend memory.
  return new Uint8Array(io.CompositeArrayBuffer.join(weightData)).slice();
}

function isWeightSpec(value: unknown): value is io.WeightsManifestEntry {
  const spec = value as Partial<io.WeightsManifestEntry> | null;
  return (
    typeof spec?.name === 'string' &&
    Array.isArray(spec.shape) &&
    spec.shape.every((extent) => Number.isInteger(extent) && extent >= 0) &&
    (spec.dtype === 'float32' || spec.dtype === 'int32' || spec.dtype === 'bool')
  );
}

/** Bytes the specs describe (unquantised float32/int32/bool). */
function bytesDescribed(specs: readonly io.WeightsManifestEntry[]): number {
  return specs.reduce(
    (total, spec) => total + util.sizeFromShape(spec.shape) * util.bytesPerElement(spec.dtype),
    0,
  );
}

function checkedWeights(stored: ModelArtifacts, key: string): io.WeightsManifestEntry[] {
  const specs = stored.weightSpecs;
  const valid =
    Array.isArray(specs) && specs.every(isWeightSpec) && stored.weightData instanceof Uint8Array;
  if (!valid || bytesDescribed(specs) !== stored.weightData.byteLength) {
    throw new ModelError(
      'MODEL_ARTIFACTS_INVALID',
      `The weights stored under '${key}' do not match their specs.`,
      {
        details: { key },
      },
    );
  }
  return specs;
}

export class ArtifactStoreIOHandler implements io.IOHandler {
  private loaded: ModelMetadata | undefined;

  constructor(private readonly options: ArtifactStoreIOHandlerOptions) {}

  /** The metadata read by the last `load()`. */
  get loadedMetadata(): ModelMetadata | undefined {
    return this.loaded;
  }

  async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
    const { store, key, metadata } = this.options;
    if (metadata === undefined) {
      throw new ModelError('MODEL_METADATA_MISSING', 'Saving to the model store needs metadata.', {
        details: { key },
      });
    }
    if (artifacts.modelTopology === undefined || artifacts.weightSpecs === undefined) {
      throw new ModelError('MODEL_ARTIFACTS_INVALID', 'tfjs handed over no topology or weights.');
    }
    await store.put(key, {
      topology: artifacts.modelTopology,
      weightSpecs: artifacts.weightSpecs,
      weightData: toUint8Array(artifacts.weightData),
      metadata,
    });
    return { modelArtifactsInfo: io.getModelArtifactsInfoForJSON(artifacts) };
  }

  async load(): Promise<io.ModelArtifacts> {
    const { store, key } = this.options;
    const stored = await store.get(key);
    if (stored === undefined) {
      throw new ModelError('MODEL_NOT_FOUND', `No model artifacts under '${key}'.`, {
        details: { key },
      });
    }
    const weightSpecs = checkedWeights(stored, key);
    if (typeof stored.topology !== 'object' || stored.topology === null) {
      throw new ModelError('MODEL_ARTIFACTS_INVALID', `No model topology under '${key}'.`, {
        details: { key },
      });
    }
    this.loaded = parseModelMetadata(stored.metadata);
    // slice(): the stored bytes may be a view into a larger buffer (a Redis client's reply buffer).
    const weightData = stored.weightData.slice().buffer;
    return { modelTopology: stored.topology, weightSpecs, weightData, format: 'layers-model' };
  }
}
