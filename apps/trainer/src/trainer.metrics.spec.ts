import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { dashboardMetricNames, seriesNamesOf } from '@recsys/platform';
import { TrainerMetrics } from './trainer.metrics';
import type { CycleResult } from './training/training-cycle.usecase';

const DASHBOARD = join(
  __dirname,
  '../../../deploy/helm/recsys/files/dashboards/recsys-overview.json',
);

const scores = (auc: number) => ({ auc, logLoss: 0.5, 'ndcg@10': 0.3 });

function run(version: string, status: 'promoted' | 'rejected'): CycleResult {
  return {
    status,
    version,
    challenger: scores(0.71),
    champion: scores(0.69),
    baseline: scores(0.6),
    trainingExamplesPerSecond: 900,
  } as unknown as CycleResult;
}

describe('TrainerMetrics', () => {
  it('keeps when each kind of run last finished and which version the last run trained', async () => {
    const registry = new Registry();
    const metrics = new TrainerMetrics(registry);
    metrics.runFinished(run('ranker-1', 'promoted'), 12, 1_000_000);
    metrics.runFinished(run('ranker-2', 'rejected'), 14, 2_000_000);
    metrics.runFinished('failed', 1, 3_000_000);
    const text = await registry.metrics();
    expect(text).toContain('trainer_last_run_timestamp_seconds{status="promoted"} 1000');
    expect(text).toContain('trainer_last_run_timestamp_seconds{status="rejected"} 2000');
    expect(text).toContain('trainer_last_run_timestamp_seconds{status="failed"} 3000');
    expect(text).toContain('trainer_last_challenger_info{version="ranker-2",status="rejected"} 1');
    expect(text).not.toContain('version="ranker-1"');
    expect(text).toContain('trainer_heldout_metric{model="challenger",metric="auc"} 0.71');
    expect(text).toContain('trainer_runs_total{status="failed"} 1');
    expect(text).toContain('trainer_run_duration_seconds_count 3');
  });

  it('registers every trainer metric the chart dashboard reads', async () => {
    const registry = new Registry();
    new TrainerMetrics(registry);
    const registered = await seriesNamesOf(registry);
    const used = dashboardMetricNames(JSON.parse(readFileSync(DASHBOARD, 'utf8'))).filter((name) =>
      name.startsWith('trainer_'),
    );
    expect(used).toEqual(
      expect.arrayContaining([
        'trainer_heldout_metric',
        'trainer_champion_info',
        'trainer_runs_total',
      ]),
    );
    expect(used.filter((name) => !registered.has(name))).toEqual([]);
  });
});
