import { DECILE_EDGES, estimateUpliftModel, propensityBucket, upliftPrior } from './uplift-model';

describe('upliftPrior', () => {
  it('peaks for middle propensities and is ~0 for near-0 and near-1 users', () => {
    const prior = upliftPrior();
    expect(prior(0.5)).toBeCloseTo(0.05, 12);
    expect(prior(0.01)).toBeLessThan(0.0025);
    expect(prior(0.99)).toBeLessThan(0.0025);
    expect(prior(0)).toBe(0);
    expect(prior(1)).toBe(0);
    expect(prior(0.3)).toBeGreaterThan(prior(0.1));
    expect(prior(0.3)).toBeLessThan(prior(0.5));
  });

  it('is peak · 4p(1 − p) with the defaults, and moves its peak where told', () => {
    const prior = upliftPrior({ peakUplift: 0.1 });
    for (const p of [0.1, 0.25, 0.6, 0.9]) expect(prior(p)).toBeCloseTo(0.1 * 4 * p * (1 - p), 12);
    const lowPeak = upliftPrior({ peakPropensity: 0.1, concentration: 10 });
    expect(lowPeak(0.1)).toBeCloseTo(0.05, 12);
    expect(lowPeak(0.1)).toBeGreaterThan(lowPeak(0.05));
    expect(lowPeak(0.1)).toBeGreaterThan(lowPeak(0.2));
  });

  it('rejects a shape outside its ranges', () => {
    expect(() => upliftPrior({ peakPropensity: 1 })).toThrow(RangeError);
  });
});

describe('propensityBucket', () => {
  it('puts propensities in deciles, the last one closed at 1', () => {
    expect(propensityBucket(0)).toBe(0);
    expect(propensityBucket(0.0999)).toBe(0);
    expect(propensityBucket(0.1)).toBe(1);
    expect(propensityBucket(0.95)).toBe(9);
    expect(propensityBucket(1)).toBe(9);
    expect(propensityBucket(0.03, [0.01, 0.05])).toBe(1);
  });
});

describe('estimateUpliftModel', () => {
  it('is the prior itself before any data', () => {
    const model = estimateUpliftModel();
    const prior = upliftPrior();
    for (const p of [0.02, 0.33, 0.5, 0.81]) expect(model.upliftAt(p)).toBeCloseTo(prior(p), 12);
    expect(model.buckets).toHaveLength(10);
    expect(model.edges).toEqual(DECILE_EDGES);
    expect(model.buckets.every((bucket) => bucket.weight === 0)).toBe(true);
  });

  it('follows a well-measured bucket and shrinks a small one to the prior', () => {
    const model = estimateUpliftModel({
      priorStrength: 100,
      outcomes: [
        // Bucket 0 (p < 0.1): 20 000 users per group, observed uplift 0.08 − 0.05 = 0.03.
        {
          bucket: 0,
          treated: { users: 20_000, converted: 1_600 },
          control: { users: 20_000, converted: 1_000 },
        },
        // Bucket 5: 10 users per group — a noisy −0.2 that must not dominate.
        { bucket: 5, treated: { users: 10, converted: 3 }, control: { users: 10, converted: 5 } },
      ],
    });
    const big = model.buckets[0]!;
    expect(big.observedUplift).toBeCloseTo(0.03, 12);
    // n = 20 000 · 20 000 / 40 000 = 10 000; w = 10 000 / 10 100.
    expect(big.weight).toBeCloseTo(10_000 / 10_100, 12);
    expect(big.uplift).toBeCloseTo(big.weight * 0.03 + (1 - big.weight) * big.priorUplift, 12);
    const small = model.buckets[5]!;
    expect(small.weight).toBeCloseTo(5 / 105, 12);
    expect(small.uplift).toBeGreaterThan(small.priorUplift - 0.02);
    // Within a bucket the prior's shape is kept: the mean over the bucket matches the estimate.
    expect(model.upliftAt(0.05)).toBeCloseTo(
      upliftPrior()(0.05) + big.uplift - big.priorUplift,
      12,
    );
  });

  it('never predicts a purchase probability outside [0, 1]', () => {
    const model = estimateUpliftModel({
      priorStrength: 0,
      outcomes: [
        {
          bucket: 9,
          treated: { users: 100, converted: 100 },
          control: { users: 100, converted: 0 },
        },
        {
          bucket: 0,
          treated: { users: 100, converted: 0 },
          control: { users: 100, converted: 100 },
        },
      ],
    });
    expect(model.upliftAt(0.95)).toBeCloseTo(0.05, 12);
    expect(model.upliftAt(0.02)).toBeCloseTo(-0.02, 12);
  });

  it('ignores a bucket while one of its groups is empty and validates the edges', () => {
    const model = estimateUpliftModel({
      outcomes: [
        { bucket: 3, treated: { users: 500, converted: 50 }, control: { users: 0, converted: 0 } },
      ],
    });
    expect(model.buckets[3]!.observedUplift).toBeUndefined();
    expect(model.buckets[3]!.weight).toBe(0);
    expect(() => estimateUpliftModel({ edges: [0.5, 0.2] })).toThrow(RangeError);
  });
});
