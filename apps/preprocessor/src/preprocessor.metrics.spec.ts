import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { dashboardMetricNames, seriesNamesOf } from '@recsys/platform';
import type { BatchSummary } from './events/process-events.usecase';
import { PreprocessorMetrics } from './preprocessor.metrics';

const DASHBOARD = join(
  __dirname,
  '../../../deploy/helm/recsys/files/dashboards/recsys-overview.json',
);

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

describe('PreprocessorMetrics', () => {
  it('counts applied events by type and observes event time → features written', async () => {
    const registry = new Registry();
    const metrics = new PreprocessorMetrics(registry);
    const now = Date.now();
    metrics.recordBatch(
      summary({
        applied: 3,
        appliedEvents: [
          { eventType: 'product_view', eventTimeMs: now - 400 },
          { eventType: 'product_view', eventTimeMs: now - 400 },
          { eventType: 'purchase', eventTimeMs: now - 7_200_000 },
        ],
      }),
    );
    const text = await registry.metrics();
    expect(text).toContain('preprocessor_applied_events_total{event_type="product_view"} 2');
    expect(text).toContain('preprocessor_applied_events_total{event_type="purchase"} 1');
    expect(text).toContain('preprocessor_event_to_feature_seconds_bucket{le="0.5"} 2');
    expect(text).toContain('preprocessor_event_to_feature_seconds_bucket{le="3600"} 2');
    expect(text).toContain('preprocessor_event_to_feature_seconds_bucket{le="21600"} 3');
    expect(text).toContain('preprocessor_events_total{outcome="applied"} 3');
  });

  it('registers every preprocessor metric the chart dashboard reads', async () => {
    const registry = new Registry();
    new PreprocessorMetrics(registry);
    const registered = await seriesNamesOf(registry);
    const used = dashboardMetricNames(JSON.parse(readFileSync(DASHBOARD, 'utf8'))).filter((name) =>
      name.startsWith('preprocessor_'),
    );
    expect(used).toEqual(
      expect.arrayContaining([
        'preprocessor_applied_events_total',
        'preprocessor_dead_letters_total',
        'preprocessor_feature_freshness_seconds_bucket',
      ]),
    );
    expect(used.filter((name) => !registered.has(name))).toEqual([]);
  });
});
