import { initialiseTensorflow } from '../backend/initialise-tensorflow';
import { SequenceRanker } from '../ranker/sequence-ranker';
import { sequenceEncoders, type SequenceEncoder } from '../ranker/sequence-ranker-config';
import { ItemVocabulary } from '../vocabulary/item-vocabulary';
import {
  InMemoryModelArtifactStore,
  type ModelArtifactStore,
  type ModelArtifacts,
} from './model-artifact-store';

const examples = [
  { sequence: ['a', 'b'], itemId: 'c', features: { price: 3 }, label: 1 as const },
  { sequence: ['c'], itemId: 'a', features: { price: 9 }, label: 0 as const },
];

async function savedRanker(encoder: SequenceEncoder = 'gru'): Promise<{
  store: InMemoryModelArtifactStore;
  ranker: SequenceRanker;
}> {
  const ranker = SequenceRanker.create(
    {
      sequenceLength: 3,
      embeddingDim: 4,
      encoder,
      hiddenUnits: [4],
      learningRate: 0.01,
      featureNames: ['price'],
      seed: 2,
    },
    ItemVocabulary.fromExamples(examples),
  );
  await ranker.fit(examples, { epochs: 1, batchSize: 2 });
  const store = new InMemoryModelArtifactStore();
  await ranker
    .withMetadata({
      modelName: 'ranker',
      version: 'v7',
      featureSpecVersion: 1,
      parentVersion: 'v6',
    })
    .save(store, 'models/ranker/v7');
  return { store, ranker };
}

/** A store that hands back weight bytes as a view into a larger buffer, as a Redis client can. */
function storeWithOffsetBuffers(inner: ModelArtifactStore): ModelArtifactStore {
  return {
    put: (key, artifacts) => inner.put(key, artifacts),
    get: async (key) => {
      const stored = await inner.get(key);
      if (stored === undefined) return undefined;
      const padded = new Uint8Array(stored.weightData.byteLength + 16).fill(0xff);
      padded.set(stored.weightData, 8);
      return { ...stored, weightData: padded.subarray(8, 8 + stored.weightData.byteLength) };
    },
  };
}

beforeAll(async () => {
  await initialiseTensorflow({ prefer: 'wasm' });
});

describe('model artifacts in a store', () => {
  it('writes topology, weight specs, weight bytes and metadata, all JSON-safe but the bytes', async () => {
    const { store, ranker } = await savedRanker();
    const artifacts = (await store.get('models/ranker/v7'))!;
    expect(JSON.parse(JSON.stringify(artifacts.topology))).toEqual(artifacts.topology);
    expect(artifacts.weightSpecs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: expect.stringContaining('item_embedding') }),
      ]),
    );
    expect(artifacts.weightData).toBeInstanceOf(Uint8Array);
    expect(artifacts.weightData.byteLength).toBe(ranker.model.countParams() * 4);
    expect(artifacts.metadata).toMatchObject({
      modelName: 'ranker',
      version: 'v7',
      kind: 'sequence_ranker',
      parentVersion: 'v6',
      featureNames: ['price'],
      featureStats: { mean: [6], std: [3] },
      trainingWindow: { examples: 2 },
    });
    ranker.dispose();
  });

  it.each(sequenceEncoders)(
    'saves and loads a %s ranker with identical predictions',
    async (encoder) => {
      const { store, ranker } = await savedRanker(encoder);
      const loaded = await SequenceRanker.load(store, 'models/ranker/v7');
      expect([...(await loaded.predict(examples))]).toEqual([...(await ranker.predict(examples))]);
      expect(loaded.config.encoder).toBe(encoder);
      loaded.dispose();
      ranker.dispose();
    },
  );

  it('loads weight bytes that are a view into a larger buffer', async () => {
    const { store, ranker } = await savedRanker();
    const loaded = await SequenceRanker.load(storeWithOffsetBuffers(store), 'models/ranker/v7');
    expect([...(await loaded.predict(examples))]).toEqual([...(await ranker.predict(examples))]);
    loaded.dispose();
    ranker.dispose();
  });

  it.each<[string, (artifacts: ModelArtifacts) => ModelArtifacts]>([
    ['truncated weights', (a) => ({ ...a, weightData: a.weightData.subarray(4) })],
    ['no weight specs', (a) => ({ ...a, weightSpecs: [{ shape: [1] }] })],
    [
      'metadata of another kind',
      (a) => ({ ...a, metadata: { ...a.metadata, kind: 'popularity' as never } }),
    ],
    ['no topology', (a) => ({ ...a, topology: null })],
    [
      'a vocabulary that does not fit the embedding',
      (a) => ({
        ...a,
        metadata: { ...a.metadata, vocabulary: { formatVersion: 1, itemIds: ['x'] } },
      }),
    ],
  ])('refuses %s with MODEL_ARTIFACTS_INVALID', async (_, corrupt) => {
    const { store, ranker } = await savedRanker();
    await store.put('bad', corrupt((await store.get('models/ranker/v7'))!));
    await expect(SequenceRanker.load(store, 'bad')).rejects.toMatchObject({
      code: 'MODEL_ARTIFACTS_INVALID',
      retriable: false,
    });
    ranker.dispose();
  });

  it('keeps what it stores apart from what callers hold', async () => {
    const { store, ranker } = await savedRanker();
    const first = (await store.get('models/ranker/v7'))!;
    first.weightData.fill(0);
    first.metadata.version = 'tampered';
    const second = (await store.get('models/ranker/v7'))!;
    expect(second.metadata.version).toBe('v7');
    expect(second.weightData.some((byte) => byte !== 0)).toBe(true);
    expect(store.keys()).toEqual(['models/ranker/v7']);
    ranker.dispose();
  });
});
