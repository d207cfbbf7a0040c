import type { TrainingExample } from '@recsys/contracts';
import { initialiseTensorflow } from '@recsys/model';
import { loadTrainerConfig } from '../config';
import { selectEncoder } from './model-selection';

const T0 = Date.parse('2026-11-20T00:00:00.000Z');

/** Positives are items of the shopper's favourite (sequence) family; the signal is learnable. */
function examples(count: number): TrainingExample[] {
  return Array.from({ length: count }, (_, index) => {
    const family = index % 3;
    const label = index % 2 === 0 ? 1 : 0;
    const itemFamily = label === 1 ? family : (family + 1) % 3;
    return {
      exampleId: `e${index}`,
      userKey: `u${index % 50}`,
      itemId: `f${itemFamily}-i${index % 7}`,
      outcome: label === 1 ? 'click' : 'impression',
      label,
      sequence: [0, 1, 2].map((step) => `f${family}-i${(index + step) % 7}`),
      features: { 'item.views_total': label === 1 ? 2 : 1 },
      context: { hourOfDay: 12, dayOfWeek: 1, device: 'desktop' },
      featureSpecVersion: 1,
      occurredAt: new Date(T0 + index * 60_000).toISOString(),
      qualityFlagged: false,
    } satisfies TrainingExample;
  });
}

describe('selectEncoder (time-blocked cross-validation)', () => {
  beforeAll(() => initialiseTensorflow({ prefer: 'wasm' }));

  it('scores every candidate encoder on each later time block and picks the best mean AUC', async () => {
    const config = loadTrainerConfig({
      KAFKA_BROKERS: '127.0.0.1:9092',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    const selection = await selectEncoder(examples(600), {
      ...config.training,
      epochs: 2,
      batchSize: 64,
      embeddingDim: 8,
      sequenceLength: 5,
      candidateEncoders: ['pooling', 'conv1d'],
      folds: 2,
    });
    expect(selection.scores.map((score) => score.encoder)).toEqual(['pooling', 'conv1d']);
    for (const score of selection.scores) {
      expect(score.folds).toBe(2);
      expect(score.auc).toBeGreaterThan(0.6);
    }
    const best = Math.max(...selection.scores.map((score) => score.auc));
    expect(selection.scores.find((score) => score.encoder === selection.encoder)?.auc).toBe(best);
  }, 60_000);
});
