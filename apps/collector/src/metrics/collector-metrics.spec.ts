import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { dashboardMetricNames, seriesNamesOf } from '@recsys/platform';
import { CollectorMetrics } from './collector-metrics';

const DASHBOARD = join(
  __dirname,
  '../../../../deploy/helm/recsys/files/dashboards/recsys-overview.json',
);

describe('CollectorMetrics', () => {
  it('registers every collector metric the chart dashboard reads', async () => {
    const registry = new Registry();
    new CollectorMetrics(registry);
    const registered = await seriesNamesOf(registry);
    const used = dashboardMetricNames(JSON.parse(readFileSync(DASHBOARD, 'utf8'))).filter((name) =>
      name.startsWith('collector_'),
    );
    expect(used).toEqual(
      expect.arrayContaining([
        'collector_events_accepted_total',
        'collector_events_rejected_total',
      ]),
    );
    expect(used.filter((name) => !registered.has(name))).toEqual([]);
  });
});
