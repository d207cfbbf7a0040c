import type { PreprocessorOpsStats } from '@recsys/feature-store';
import { defaultQualityThresholds, type QualityCounts } from '@recsys/features';
import type { BatchSummary } from './events/process-events.usecase';
import {
  OpsStatsWriter,
  evenlySampled,
  newestAppliedEventMs,
  percentilesOf,
} from './ops-stats.writer';

const summary = (overrides: Partial<BatchSummary>): BatchSummary => ({
  received: 0,
  skippedAsProcessed: 0,
  applied: 0,
  duplicates: 0,
  erased: 0,
  deadLetters: [],
  trainingExamples: 0,
  late: 0,
  verdict: undefined,
  freshnessMs: [],
  ...overrides,
});

function setup(
  counts: QualityCounts = { total: 0, invalid: 0, duplicate: 0, late: 0, unknown_item: 0 },
) {
  let now = 1_000_000;
  const written: PreprocessorOpsStats[] = [];
  const writer = new OpsStatsWriter({
    store: { writePreprocessor: async (stats) => void written.push(stats) },
    quality: { qualityWindow: async () => counts },
    settings: { windowMs: 60_000, thresholds: defaultQualityThresholds },
    instance: 'pp-1',
    now: () => now,
  });
  return { writer, written, advance: (ms: number) => (now += ms) };
}

describe('OpsStatsWriter', () => {
  it('accumulates batches and reports freshness percentiles, the newest event and the gate', async () => {
    const { writer, written, advance } = setup();
    writer.recordBatch(summary({ applied: 3, freshnessMs: [10, 20, 30] }), 5_000);
    await writer.write();
    advance(200);
    writer.recordBatch(
      summary({ applied: 1, deadLetters: [{ reason: 'malformed_json' }], freshnessMs: [40] }),
      4_000,
    );
    const stats = await writer.snapshot();
    expect(stats).toMatchObject({
      instance: 'pp-1',
      eventsApplied: 4,
      deadLetters: 1,
      lastEventMs: 5_000,
      lastAppliedAtMs: 1_000_200,
      freshness: { p50Ms: 20, p99Ms: 40, samples: 4 },
      quality: {
        state: 'open',
        judgement: 'not_judged',
        crossed: [],
        eventsInWindow: 0,
        windowMs: 60_000,
      },
    });
    expect(written).toHaveLength(1);
  });

  it('writes at most once a second from the batch path', async () => {
    const { writer, written, advance } = setup();
    writer.recordBatch(summary({ applied: 1 }), 1);
    await writer.write();
    writer.recordBatch(summary({ applied: 1 }), 2);
    advance(500);
    writer.recordBatch(summary({ applied: 1 }), 3);
    await Promise.resolve();
    expect(written).toHaveLength(1);
    advance(600);
    writer.recordBatch(summary({ applied: 1 }), 4);
    await writer.write();
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.at(-1)!.eventsApplied).toBe(4);
  });

  it('reports a closed gate with the crossed thresholds', async () => {
    const { writer } = setup({ total: 200, invalid: 40, duplicate: 0, late: 0, unknown_item: 0 });
    const stats = await writer.snapshot();
    expect(stats.quality).toMatchObject({
      state: 'closed',
      judgement: 'over_threshold',
      metricJudgements: { invalid: 'over_threshold', late: 'ok' },
      crossed: ['invalid'],
      eventsInWindow: 200,
      ratios: { invalid: 0.2 },
    });
  });

  it('forgets freshness samples older than a minute', async () => {
    const { writer, advance } = setup();
    writer.recordBatch(summary({ applied: 1, freshnessMs: [500] }), 1);
    advance(61_000);
    writer.recordBatch(summary({ applied: 1, freshnessMs: [5] }), 2);
    expect((await writer.snapshot()).freshness).toEqual({ p50Ms: 5, p99Ms: 5, samples: 1 });
  });

  it('reports a failed write to onError and keeps going', async () => {
    const errors: unknown[] = [];
    const writer = new OpsStatsWriter({
      store: {
        writePreprocessor: async () => {
          throw new Error('redis away');
        },
      },
      quality: {
        qualityWindow: async () => ({
          total: 0,
          invalid: 0,
          duplicate: 0,
          late: 0,
          unknown_item: 0,
        }),
      },
      settings: { windowMs: 60_000, thresholds: defaultQualityThresholds },
      onError: (error) => errors.push(error),
    });
    await writer.write();
    await writer.write();
    expect(errors).toHaveLength(2);
  });
});

describe('ops stats helpers', () => {
  it('finds the newest applied event time, ignoring duplicates', () => {
    const accepted = [1, 9, 5].map((timestampMs) => ({ plan: { timestampMs } }));
    expect(
      newestAppliedEventMs(accepted, [
        { status: 'applied' },
        { status: 'duplicate' },
        { status: 'applied' },
      ]),
    ).toBe(5);
    expect(newestAppliedEventMs(accepted, [{ status: 'duplicate' }])).toBeUndefined();
  });

  it('samples evenly and computes nearest-rank percentiles', () => {
    expect(evenlySampled([1, 2, 3, 4], 2)).toEqual([1, 3]);
    expect(evenlySampled([1, 2], 5)).toEqual([1, 2]);
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentilesOf(values)).toEqual({ p50Ms: 50, p99Ms: 99, samples: 100 });
    expect(percentilesOf([])).toBeUndefined();
  });
});
