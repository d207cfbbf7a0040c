import type { PreprocessorOpsStats } from '@recsys/feature-store';
import { pipelineStatusOf } from './pipeline-status';

const base: PreprocessorOpsStats = {
  instance: 'pp-1',
  startedAtMs: 1_000,
  updatedAtMs: 9_000,
  eventsApplied: 100,
  deadLetters: 2,
  lastEventMs: 5_000,
  lastAppliedAtMs: 8_000,
  freshness: { p50Ms: 10, p99Ms: 30, samples: 100 },
  quality: {
    state: 'open',
    crossed: [],
    ratios: { invalid: 0.01, duplicate: 0.02, late: 0, unknown_item: 0, future_metric: 0.5 },
    thresholds: { invalid: 0.05, duplicate: 0.2, late: 0.1, unknown_item: 0.3 },
    minEvents: 100,
    eventsInWindow: 250,
    windowStartMs: 60_000,
    windowMs: 60_000,
  },
};

describe('pipelineStatusOf', () => {
  it('shows each instance, the newest report’s gate and the worst freshness', () => {
    const status = pipelineStatusOf([
      {
        ...base,
        instance: 'pp-2',
        freshness: { p50Ms: 20, p99Ms: 90, samples: 10 },
        lastEventMs: 7_000,
      },
      base,
    ]);
    expect(status.instances.map((instance) => instance.instance)).toEqual(['pp-2', 'pp-1']);
    expect(status.freshness).toEqual({ p50Ms: 20, p99Ms: 90, samples: 10 });
    expect(status.lastEventAt).toBe(new Date(7_000).toISOString());
    expect(status.gate).toEqual({
      state: 'open',
      judgement: 'ok',
      metricJudgements: { invalid: 'ok', duplicate: 'ok', late: 'ok', unknown_item: 'ok' },
      crossed: [],
      ratios: { invalid: 0.01, duplicate: 0.02, late: 0, unknown_item: 0 },
      thresholds: { invalid: 0.05, duplicate: 0.2, late: 0.1, unknown_item: 0.3 },
      minEvents: 100,
      eventsInWindow: 250,
      windowStartedAt: new Date(60_000).toISOString(),
      windowSeconds: 60,
    });
  });

  it('says a window below the minimum volume was not judged, never ok, even at 100 % late', () => {
    const small = {
      ...base.quality!,
      eventsInWindow: 12,
      ratios: { ...base.quality!.ratios, late: 1 },
    };
    // As an older preprocessor reports it (no judgement of its own) and as the current one does.
    for (const quality of [
      small,
      {
        ...small,
        judgement: 'not_judged' as const,
        metricJudgements: { late: 'not_judged' as const },
      },
    ]) {
      const gate = pipelineStatusOf([{ ...base, quality }]).gate!;
      expect(gate.judgement).toBe('not_judged');
      expect(gate.metricJudgements).toEqual({
        invalid: 'not_judged',
        duplicate: 'not_judged',
        late: 'not_judged',
        unknown_item: 'not_judged',
      });
      expect(gate).toMatchObject({ state: 'open', eventsInWindow: 12, minEvents: 100 });
    }
  });

  it('names the metric over its threshold in a judged window', () => {
    const gate = pipelineStatusOf([
      {
        ...base,
        quality: {
          ...base.quality!,
          state: 'closed',
          crossed: ['late'],
          ratios: { ...base.quality!.ratios, late: 0.4 },
        },
      },
    ]).gate!;
    expect(gate.judgement).toBe('over_threshold');
    expect(gate.metricJudgements).toEqual({
      invalid: 'ok',
      duplicate: 'ok',
      late: 'over_threshold',
      unknown_item: 'ok',
    });
  });

  it('says nothing is known rather than inventing figures', () => {
    expect(pipelineStatusOf([])).toEqual({
      instances: [],
      gate: null,
      freshness: null,
      lastEventAt: null,
    });
    const silent = pipelineStatusOf([
      {
        ...base,
        freshness: undefined,
        quality: undefined,
        lastEventMs: undefined,
        lastAppliedAtMs: undefined,
      },
    ]);
    expect(silent).toMatchObject({ gate: null, freshness: null, lastEventAt: null });
    expect(silent.instances[0]).toMatchObject({
      lastAppliedAt: null,
      freshness: null,
      quality: null,
    });
  });
});
