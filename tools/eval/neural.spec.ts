import { NEURAL_DEFAULTS, trainingSchedule } from './neural';
import { candidateSettings } from './selection';

describe('trainingSchedule', () => {
  it('keeps large example sets at the full batch and the asked epochs', () => {
    expect(trainingSchedule(60_000, 6)).toEqual({
      batchSize: NEURAL_DEFAULTS.batchSize,
      epochs: 6,
    });
  });

  it('shrinks batches and adds epochs for small example sets, within the caps', () => {
    const small = trainingSchedule(500, 6);
    expect(small.batchSize).toBe(32);
    expect(small.epochs * Math.ceil(500 / 32)).toBeGreaterThanOrEqual(NEURAL_DEFAULTS.minSteps);
    expect(trainingSchedule(10, 6).epochs).toBe(NEURAL_DEFAULTS.maxEpochs);
  });
});

describe('candidateSettings', () => {
  it('tries the asked setting, fewer epochs and the other cheap encoder, without duplicates', () => {
    expect(candidateSettings({ encoder: 'pooling', epochs: 6 })).toEqual([
      { encoder: 'pooling', epochs: 6 },
      { encoder: 'pooling', epochs: 3 },
      { encoder: 'conv1d', epochs: 6 },
    ]);
    expect(candidateSettings({ encoder: 'gru', epochs: 1 })).toEqual([
      { encoder: 'gru', epochs: 1 },
      { encoder: 'pooling', epochs: 1 },
    ]);
  });
});
