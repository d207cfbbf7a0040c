import { defaultQualityThresholds, evaluateQualityGate, qualityWindowStart } from './quality-gate';

const counts = (overrides: Partial<Record<string, number>>) => ({
  total: 1000,
  invalid: 0,
  duplicate: 0,
  late: 0,
  unknown_item: 0,
  ...overrides,
});

describe('evaluateQualityGate', () => {
  it('passes a clean window', () => {
    expect(evaluateQualityGate(counts({ invalid: 10 }), defaultQualityThresholds)).toMatchObject({
      flagged: false,
      crossed: [],
    });
  });

  it('flags a window whose invalid or late share crosses its threshold, naming the metrics', () => {
    const verdict = evaluateQualityGate(
      counts({ invalid: 60, late: 150 }),
      defaultQualityThresholds,
    );
    expect(verdict.flagged).toBe(true);
    expect(verdict.crossed).toEqual(['invalid', 'late']);
    expect(verdict.ratios.invalid).toBeCloseTo(0.06, 10);
  });

  it('never flags a window with too few events to judge', () => {
    expect(
      evaluateQualityGate(counts({ total: 50, invalid: 50 }), defaultQualityThresholds).flagged,
    ).toBe(false);
  });

  it('aligns windows to their size', () => {
    expect(qualityWindowStart(125_000, 60_000)).toBe(120_000);
  });
});
