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

  it('never flags a window with too few events to judge, and says it was not judged (not ok)', () => {
    const verdict = evaluateQualityGate(counts({ total: 50, late: 50 }), defaultQualityThresholds);
    expect(verdict.flagged).toBe(false);
    expect(verdict.ratios.late).toBe(1);
    expect(verdict.judgement).toBe('not_judged');
    expect(verdict.metricJudgements).toEqual({
      invalid: 'not_judged',
      duplicate: 'not_judged',
      late: 'not_judged',
      unknown_item: 'not_judged',
    });
  });

  it('judges from the minimum volume on: ok, or over threshold per metric', () => {
    const verdict = evaluateQualityGate(counts({ total: 100, late: 11 }), defaultQualityThresholds);
    expect(verdict.judgement).toBe('over_threshold');
    expect(verdict.metricJudgements).toEqual({
      invalid: 'ok',
      duplicate: 'ok',
      late: 'over_threshold',
      unknown_item: 'ok',
    });
    expect(evaluateQualityGate(counts({}), defaultQualityThresholds).judgement).toBe('ok');
  });

  it('aligns windows to their size', () => {
    expect(qualityWindowStart(125_000, 60_000)).toBe(120_000);
  });
});
