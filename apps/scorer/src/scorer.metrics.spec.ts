import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { dashboardMetricNames, seriesNamesOf } from '@recsys/platform';
import { ScorerMetrics } from './scorer.metrics';

const DASHBOARD = join(
  __dirname,
  '../../../deploy/helm/recsys/files/dashboards/recsys-overview.json',
);

describe('ScorerMetrics', () => {
  it('counts impressions, clicks and purchases per experiment arm', async () => {
    const registry = new Registry();
    const metrics = new ScorerMetrics(registry);
    const model = { experimentId: 'home-ab', arm: 'model' };
    metrics.countedForArm('impression', model);
    metrics.countedForArm('impression', model);
    metrics.countedForArm('click', model);
    metrics.countedForArm('impression', { experimentId: 'home-ab', arm: 'popularity' });
    const text = await registry.metrics();
    expect(text).toContain(
      'scorer_experiment_events_total{experiment="home-ab",arm="model",kind="impression"} 2',
    );
    expect(text).toContain(
      'scorer_experiment_events_total{experiment="home-ab",arm="model",kind="click"} 1',
    );
    expect(text).toContain(
      'scorer_experiment_events_total{experiment="home-ab",arm="popularity",kind="impression"} 1',
    );
  });

  it('registers every scorer metric the chart dashboard reads', async () => {
    const registry = new Registry();
    new ScorerMetrics(registry);
    const registered = await seriesNamesOf(registry);
    const used = dashboardMetricNames(JSON.parse(readFileSync(DASHBOARD, 'utf8'))).filter((name) =>
      name.startsWith('scorer_'),
    );
    expect(used).toEqual(
      expect.arrayContaining([
        'scorer_request_duration_seconds_bucket',
        'scorer_requests_total',
        'scorer_model_info',
        'scorer_experiment_events_total',
      ]),
    );
    expect(used.filter((name) => !registered.has(name))).toEqual([]);
  });
});
