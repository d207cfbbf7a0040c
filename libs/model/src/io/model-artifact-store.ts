/**
 * Where model artifacts live: a key → artifacts store (the registry). The interface is shared with the
 * Redis-backed store in libs/feature-store: keep it exactly as it is.
 *
 * Artifact format (version 1, see README): `topology` is the tfjs-layers model topology (Keras JSON
 * object), `weightSpecs` the tfjs weight manifest entries ({name, shape, dtype}) in the order of
 * `weightData`, the weights' bytes concatenated (little-endian float32/int32), and `metadata` the
 * ModelMetadata.
 */
import type { ModelMetadata } from '../ranker/model-metadata';

export interface ModelArtifacts {
  topology: unknown;
  weightSpecs: unknown[];
  weightData: Uint8Array;
  metadata: ModelMetadata;
}

export interface ModelArtifactStore {
  put(key: string, artifacts: ModelArtifacts): Promise<void>;
  get(key: string): Promise<ModelArtifacts | undefined>;
}

/** Through JSON, as a remote store would: a value that does not survive JSON fails here too. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function copyOf(artifacts: ModelArtifacts): ModelArtifacts {
  return {
    topology: jsonCopy(artifacts.topology),
    weightSpecs: jsonCopy(artifacts.weightSpecs),
    weightData: artifacts.weightData.slice(),
    metadata: jsonCopy(artifacts.metadata),
  };
}

/**
 * A store in process memory, for tools and tests. It keeps and hands out copies, so neither a writer
 * nor a reader can change what another one sees — as with a real remote store.
 */
export class InMemoryModelArtifactStore implements ModelArtifactStore {
  private readonly artifactsByKey = new Map<string, ModelArtifacts>();

  async put(key: string, artifacts: ModelArtifacts): Promise<void> {
    this.artifactsByKey.set(key, copyOf(artifacts));
  }

  async get(key: string): Promise<ModelArtifacts | undefined> {
    const stored = this.artifactsByKey.get(key);
    return stored === undefined ? undefined : copyOf(stored);
  }

  /** Keys in insertion order. */
  keys(): string[] {
    return [...this.artifactsByKey.keys()];
  }

  delete(key: string): boolean {
    return this.artifactsByKey.delete(key);
  }
}
