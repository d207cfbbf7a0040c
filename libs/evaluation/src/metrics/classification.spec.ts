import { applyPlatt, auc, fitPlatt, logLoss, sigmoid, type Label } from './classification';

describe('auc', () => {
  it('is the share of positive-negative pairs ordered correctly', () => {
    // Pairs: (0.35 vs 0.1) ok, (0.35 vs 0.4) wrong, (0.8 vs 0.1) ok, (0.8 vs 0.4) ok → 3/4.
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });

  it('gives tied pairs half credit', () => {
    expect(auc([0.5, 0.5], [1, 0])).toBe(0.5);
    // pos 1.0 beats both negatives (2), pos 0.5 ties one (0.5) and beats the other (1) → 3.5 / 4.
    expect(auc([1, 0.5, 0.5, 0], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one and NaN without both classes', () => {
    expect(auc([3, 2, 1], [1, 0, 0])).toBe(1);
    expect(auc([1, 2, 3], [1, 0, 0])).toBe(0);
    expect(auc([1, 2], [1, 1])).toBeNaN();
  });

  it('ranks NaN scores below every number', () => {
    expect(auc([Number.NaN, 0.2], [0, 1])).toBe(1);
  });
});

describe('logLoss', () => {
  it('is the mean negative log-likelihood', () => {
    expect(logLoss([0.9, 0.2], [1, 0])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
  });

  it('clips certain mistakes to a finite loss', () => {
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-7), 6);
    expect(logLoss([1], [0], { epsilon: 1e-3 })).toBeCloseTo(-Math.log(1e-3), 9);
  });

  it('refuses mismatched lengths', () => {
    expect(() => logLoss([0.5], [1, 0])).toThrow(RangeError);
  });
});

describe('Platt scaling', () => {
  it('recovers the parameters of a logistic relation from many samples', () => {
    const scores: number[] = [];
    const labels: Label[] = [];
    // Deterministic "sampling": for each score, labels in proportion to sigmoid(2s − 1).
    for (let step = -40; step <= 40; step += 1) {
      const score = step / 10;
      const positives = Math.round(100 * sigmoid(2 * score - 1));
      for (let draw = 0; draw < 100; draw += 1) {
        scores.push(score);
        labels.push(draw < positives ? 1 : 0);
      }
    }
    const scaling = fitPlatt(scores, labels);
    expect(scaling.slope).toBeCloseTo(2, 1);
    expect(scaling.intercept).toBeCloseTo(-1, 1);
    expect(logLoss(applyPlatt(scaling, scores), labels)).toBeLessThan(
      logLoss(
        scores.map(() => 0.5),
        labels,
      ),
    );
  });

  it('stays finite on separable data', () => {
    const scaling = fitPlatt([0, 1, 2, 3], [0, 0, 1, 1]);
    expect(Number.isFinite(scaling.slope)).toBe(true);
    const [low, , , high] = applyPlatt(scaling, [0, 1, 2, 3]);
    expect(high!).toBeGreaterThan(low!);
  });
});
