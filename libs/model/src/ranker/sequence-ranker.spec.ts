import { memory } from '@tensorflow/tfjs-core';
import { initialiseTensorflow } from '../backend/initialise-tensorflow';
import { InMemoryModelArtifactStore } from '../io/model-artifact-store';
import { itemIdOf, syntheticExamples, syntheticFeatureNames } from '../testing/synthetic-examples';
import { ItemVocabulary } from '../vocabulary/item-vocabulary';
import { encodeLabels, type LabelledExample } from './examples';
import { SequenceRanker } from './sequence-ranker';
import type { SequenceRankerConfig } from './sequence-ranker-config';
import { weightedLogLossOf, type TrainingProgress } from './training-loop';

const ITEMS = 40;
const config: SequenceRankerConfig = {
  sequenceLength: 8,
  embeddingDim: 8,
  encoder: 'pooling',
  hiddenUnits: [16],
  learningRate: 0.05,
  featureNames: syntheticFeatureNames,
  seed: 11,
};

const train = syntheticExamples({ examples: 1_500, items: ITEMS, maxSequenceLength: 10, seed: 1 });
const heldOut = syntheticExamples({ examples: 400, items: ITEMS, maxSequenceLength: 10, seed: 2 });
const vocabulary = ItemVocabulary.fromExamples(train);

function baseRateLogLoss(examples: readonly LabelledExample[]): number {
  const rate = examples.filter((example) => example.label === 1).length / examples.length;
  return weightedLogLossOf(encodeLabels(examples), new Float32Array(examples.length).fill(rate));
}

function stamp(version: string) {
  return {
    modelName: 'sequence-ranker',
    version,
    featureSpecVersion: 1,
    metrics: { validation_loss: 0.5 },
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

beforeAll(async () => {
  await initialiseTensorflow({ prefer: 'wasm' });
});

describe('SequenceRanker', () => {
  let ranker: SequenceRanker;
  const progress: TrainingProgress[] = [];

  beforeAll(async () => {
    ranker = SequenceRanker.create(config, vocabulary);
    await ranker.fit(train, {
      epochs: 3,
      batchSize: 64,
      validation: heldOut,
      onProgress: (report) => progress.push(report),
    });
  });

  afterAll(() => ranker.dispose());

  it('implements Ranker as kind sequence_ranker, unversioned until stamped', () => {
    expect(ranker.kind).toBe('sequence_ranker');
    expect(SequenceRanker.create(config, vocabulary).version).toBe('unversioned');
  });

  it('learns: training loss falls and held-out loss beats the base rate', () => {
    expect(progress.map((report) => report.epoch)).toEqual([1, 2, 3]);
    expect(progress[2]!.loss).toBeLessThan(progress[0]!.loss);
    // The base rate is the commonsense baseline: a constant prediction of the positive share.
    expect(progress[2]!.validationLoss).toBeLessThan(baseRateLogLoss(heldOut) * 0.9);
    expect(progress[2]!.examplesPerSecond).toBeGreaterThan(0);
  });

  it('records the training window and normalisation statistics', () => {
    expect(ranker.lastFit?.window).toEqual({
      fromMs: train[0]!.occurredAtMs,
      toMs: train[train.length - 1]!.occurredAtMs,
      examples: train.length,
    });
    expect(ranker.featureStats.mean[0]).toBeGreaterThan(90);
    expect(ranker.featureStats.std[0]).toBeGreaterThan(20);
  });

  it('predicts one probability per example', async () => {
    const scores = await ranker.predict(heldOut.slice(0, 5));
    expect(scores).toHaveLength(5);
    for (const score of scores) expect(score).toBeGreaterThan(0);
  });

  it('scores candidates in their order, as predict scores the same examples', async () => {
    const sequence = [itemIdOf(1), itemIdOf(5), itemIdOf(9)];
    const candidates = [2, 1, 13, 4].map((index) => ({
      itemId: itemIdOf(index),
      features: { popularity: 100, noise: 0 },
    }));
    const scores = await ranker.score({ sequence, candidates });
    const expected = await ranker.predict(
      candidates.map((candidate) => ({ ...candidate, sequence })),
    );
    // The same computation, split: the sequence encoded once, then the head for every candidate.
    scores.forEach((score, index) => expect(score).toBeCloseTo(expected[index]!, 6));
    // Items of the user's category (1 mod 4) rank above the others.
    expect(Math.min(scores[1]!, scores[2]!)).toBeGreaterThan(Math.max(scores[0]!, scores[3]!));
  });

  it('scores unknown items, missing features, empty sequences and no candidates', async () => {
    const scores = await ranker.score({
      sequence: [],
      candidates: [{ itemId: 'never-seen', features: {} }],
    });
    expect(Number.isFinite(scores[0])).toBe(true);
    expect(await ranker.score({ sequence: ['x'], candidates: [] })).toHaveLength(0);
  });

  it('leaves no tensors behind across repeated score() calls', async () => {
    const input = {
      sequence: [itemIdOf(3)],
      candidates: Array.from({ length: 150 }, (_, index) => ({
        itemId: itemIdOf(index % ITEMS),
        features: { popularity: index, noise: 1 },
      })),
    };
    await ranker.score(input);
    const before = memory().numTensors;
    for (let call = 0; call < 5; call += 1) await ranker.score(input);
    expect(memory().numTensors).toBe(before);
  });

  it('saves and loads through a store with identical predictions and metadata', async () => {
    const store = new InMemoryModelArtifactStore();
    await ranker.withMetadata(stamp('v1')).save(store, 'models/sequence-ranker/v1');
    const loaded = await SequenceRanker.load(store, 'models/sequence-ranker/v1');
    try {
      expect(loaded.version).toBe('v1');
      expect(loaded.metadata).toEqual(ranker.metadata);
      expect(loaded.vocabulary.ids()).toEqual(vocabulary.ids());
      expect([...(await loaded.predict(heldOut))]).toEqual([...(await ranker.predict(heldOut))]);
    } finally {
      loaded.dispose();
    }
  });

  it('warm-starts a larger vocabulary, keeping what both vocabularies know', async () => {
    ranker.withMetadata(stamp('v1'));
    const larger = ItemVocabulary.fromCounts([
      ['brand-new', 1_000],
      ...vocabulary.ids().map((id): [string, number] => [id, 1]),
    ]);
    const warm = ranker.warmStart(larger);
    try {
      const known = heldOut.slice(0, 20);
      expect([...(await warm.predict(known))]).toEqual([...(await ranker.predict(known))]);
      expect(warm.vocabulary.size).toBe(vocabulary.size + 1);
      expect(warm.withMetadata(stamp('v2')).metadata?.parentVersion).toBe('v1');
    } finally {
      warm.dispose();
    }
  });
});

describe('SequenceRanker training control', () => {
  it('stops early when validation loss stops improving, keeping the best weights', async () => {
    const ranker = SequenceRanker.create(config, vocabulary);
    // Flipped labels: the better the model fits the training data, the worse it does here.
    const adversarial = heldOut.map((example): LabelledExample => ({
      ...example,
      label: example.label === 1 ? 0 : 1,
    }));
    const summary = await ranker.fit(train, {
      epochs: 8,
      batchSize: 64,
      validation: adversarial,
      patience: 1,
    });
    expect(summary.stopReason).toBe('early_stopping');
    expect(summary.epochs).toBeLessThan(8);
    ranker.dispose();
  });

  it('stops after the current batch when aborted', async () => {
    const ranker = SequenceRanker.create(config, vocabulary);
    const controller = new AbortController();
    controller.abort();
    const summary = await ranker.fit(train, {
      epochs: 3,
      batchSize: 64,
      signal: controller.signal,
    });
    expect(summary).toMatchObject({ stopReason: 'aborted', epochs: 0 });
    ranker.dispose();
  });

  it('weights examples: a zero weight makes an example irrelevant', async () => {
    const one = SequenceRanker.create(config, vocabulary);
    const two = SequenceRanker.create(config, vocabulary);
    const noise = train
      .slice(0, 64)
      .map((example) => ({ ...example, label: 1 as const, weight: 0 }));
    await one.fit(train.slice(0, 256), { epochs: 1, batchSize: 256 });
    await two.fit([...train.slice(0, 256), ...noise], { epochs: 1, batchSize: 320 });
    const [a, b] = [
      await one.predict(heldOut.slice(0, 10)),
      await two.predict(heldOut.slice(0, 10)),
    ];
    for (let row = 0; row < 10; row += 1) expect(a[row]).toBeCloseTo(b[row]!, 4);
    one.dispose();
    two.dispose();
  });

  it('refuses to train on nothing, or on bad labels', async () => {
    const ranker = SequenceRanker.create(config, vocabulary);
    await expect(ranker.fit([], { epochs: 1, batchSize: 8 })).rejects.toMatchObject({
      code: 'TRAINING_DATA_INVALID',
    });
    const bad = [{ ...train[0]!, label: 2 as unknown as 0 }];
    await expect(ranker.fit(bad, { epochs: 1, batchSize: 8 })).rejects.toMatchObject({
      code: 'TRAINING_DATA_INVALID',
    });
    ranker.dispose();
  });

  it('refuses fit options that cannot train (batch size 0 would never end)', async () => {
    const ranker = SequenceRanker.create(config, vocabulary);
    await expect(ranker.fit(train, { epochs: 1, batchSize: 0 })).rejects.toMatchObject({
      code: 'MODEL_CONFIG_INVALID',
    });
    ranker.dispose();
  });

  it('refuses an invalid config with MODEL_CONFIG_INVALID', () => {
    expect(() => SequenceRanker.create({ ...config, sequenceLength: 0 }, vocabulary)).toThrow(
      expect.objectContaining({ code: 'MODEL_CONFIG_INVALID' }) as Error,
    );
  });

  it('needs metadata to save, and reports a missing key as MODEL_NOT_FOUND', async () => {
    const ranker = SequenceRanker.create(config, vocabulary);
    const store = new InMemoryModelArtifactStore();
    await expect(ranker.save(store, 'k')).rejects.toMatchObject({ code: 'MODEL_METADATA_MISSING' });
    await expect(SequenceRanker.load(store, 'nothing-here')).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      retriable: true,
    });
    ranker.dispose();
  });

  it('frees every tensor on dispose and refuses use afterwards', async () => {
    const before = memory().numTensors;
    const ranker = SequenceRanker.create(config, vocabulary);
    await ranker.fit(train.slice(0, 128), { epochs: 1, batchSize: 64 });
    ranker.dispose();
    ranker.dispose();
    expect(memory().numTensors).toBe(before);
    await expect(ranker.score({ sequence: [], candidates: [] })).rejects.toMatchObject({
      code: 'MODEL_DISPOSED',
    });
  });
});
