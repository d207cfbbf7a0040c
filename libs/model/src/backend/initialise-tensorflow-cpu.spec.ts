import { getBackend, getKernel } from '@tensorflow/tfjs-core';
import { ItemVocabulary } from '../vocabulary/item-vocabulary';
import { SequenceRanker } from '../ranker/sequence-ranker';
import { initialiseTensorflow } from './initialise-tensorflow';

const config = {
  sequenceLength: 4,
  embeddingDim: 2,
  encoder: 'pooling' as const,
  hiddenUnits: [],
  learningRate: 0.01,
  featureNames: [],
};

describe('initialiseTensorflow with prefer: cpu', () => {
  it('refuses to build a ranker before a backend is chosen', () => {
    expect(() => SequenceRanker.create(config, ItemVocabulary.fromOccurrences(['a']))).toThrow(
      expect.objectContaining({ code: 'TENSORFLOW_NOT_INITIALISED' }) as Error,
    );
  });

  it('starts cpu without trying the better backends, and says so', async () => {
    const messages: string[] = [];
    const result = await initialiseTensorflow({
      prefer: 'cpu',
      log: (message) => messages.push(message),
    });
    expect(result).toEqual({ backend: 'cpu' });
    expect(getBackend()).toBe('cpu');
    expect(messages[0]).toBe(
      'TensorFlow.js backend: cpu; skipped tensorflow: not tried (prefer=cpu); wasm: not tried (prefer=cpu)',
    );
  });

  it('trains an embedding on cpu with the single-pass UnsortedSegmentSum', async () => {
    expect(getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc.name).toBe('unsortedSegmentSum');
    const ranker = SequenceRanker.create(config, ItemVocabulary.fromOccurrences(['a', 'b']));
    const summary = await ranker.fit(
      [
        { sequence: ['a'], itemId: 'b', features: {}, label: 1 },
        { sequence: ['b'], itemId: 'a', features: {}, label: 0 },
      ],
      { epochs: 1, batchSize: 2 },
    );
    expect(summary.backend).toBe('cpu');
    ranker.dispose();
  });
});
