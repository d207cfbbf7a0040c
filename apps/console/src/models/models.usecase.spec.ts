import type { ModelVersionRecord } from '@recsys/feature-store';
import { modelsViewOf } from './models.usecase';

const version = (
  name: string,
  createdAt: string,
  metrics: Record<string, number>,
): ModelVersionRecord => ({
  version: name,
  kind: 'sequence_ranker',
  createdAt,
  featureSpecVersion: 1,
  metrics,
  status: 'candidate',
});

describe('modelsViewOf', () => {
  it('orders versions oldest first, keeps finite metrics and lists metric names for the chart', () => {
    const view = modelsViewOf({
      modelName: 'ranker',
      champion: 'v2',
      versions: [
        {
          ...version('v2', '2026-11-29T10:00:00.000Z', {
            auc: 0.8,
            'baseline.auc': 0.7,
            custom: 1,
          }),
          status: 'champion',
        },
        {
          ...version('v1', '2026-11-29T09:00:00.000Z', {
            auc: 0.75,
            logLoss: Number.NaN,
            'ndcg@10': 0.3,
          }),
          status: 'retired',
          trainingWindow: { fromMs: 0, toMs: 1_000, examples: 500 },
        },
      ],
      history: [
        {
          version: 'v2',
          previousVersion: 'v1',
          reason: 'beat_champion',
          at: '2026-11-29T10:00:01.000Z',
        },
      ],
    });
    expect(view.versions.map((entry) => entry.version)).toEqual(['v1', 'v2']);
    expect(view.versions[0]!.metrics).toEqual({ auc: 0.75, 'ndcg@10': 0.3 });
    expect(view.versions[0]!.trainingWindow).toEqual({
      from: '1970-01-01T00:00:00.000Z',
      to: '1970-01-01T00:00:01.000Z',
      examples: 500,
    });
    expect(view.metricNames).toEqual(['auc', 'ndcg@10', 'custom']);
    expect(view.champion).toBe('v2');
    expect(view.promotions).toEqual([
      {
        version: 'v2',
        previousVersion: 'v1',
        reason: 'beat_champion',
        at: '2026-11-29T10:00:01.000Z',
      },
    ]);
  });

  it('says there is no champion yet', () => {
    expect(
      modelsViewOf({ modelName: 'ranker', champion: undefined, versions: [], history: [] }),
    ).toEqual({
      modelName: 'ranker',
      champion: null,
      versions: [],
      promotions: [],
      metricNames: [],
    });
  });
});
