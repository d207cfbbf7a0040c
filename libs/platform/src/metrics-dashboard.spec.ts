import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import { createMetricsRegistry, instrumentHttpRequests } from './metrics';
import { dashboardMetricNames, metricNamesOf, seriesNamesOf } from './metrics-dashboard';
import { registerKafkaMetrics } from './metrics-kafka';

const DASHBOARD = join(
  __dirname,
  '../../../deploy/helm/recsys/files/dashboards/recsys-overview.json',
);
/** Metrics of one service each, checked by that service's own metrics spec. */
const SERVICE_PREFIXES = ['collector_', 'preprocessor_', 'trainer_', 'scorer_'];

describe('metricNamesOf', () => {
  it('finds the metrics of an expression, not its functions, labels, keywords or durations', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.99, sum by (le, endpoint) (rate(scorer_request_duration_seconds_bucket{namespace=~"$namespace", endpoint!="rank"}[$__rate_interval])))',
      ),
    ).toEqual(['scorer_request_duration_seconds_bucket']);
    expect(
      metricNamesOf(
        'sum(rate(a_total{x="by (y)"}[5m])) / on (job) group_left(version) b_info offset 1h and bool c',
      ),
    ).toEqual(['a_total', 'b_info', 'c']);
    expect(metricNamesOf('time() - max(trainer_last_run_timestamp_seconds)')).toEqual([
      'trainer_last_run_timestamp_seconds',
    ]);
  });
});

describe('the chart dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    templating: { list: Array<{ name: string; type: string }> };
  };

  it('offers a Prometheus datasource, namespace and service variables', () => {
    expect(dashboard.templating.list.map((variable) => [variable.name, variable.type])).toEqual([
      ['datasource', 'datasource'],
      ['namespace', 'query'],
      ['service', 'query'],
    ]);
  });

  it('reads only metrics the platform or a service registers', async () => {
    const registry = createMetricsRegistry({ serviceName: 'any' });
    instrumentHttpRequests(Fastify(), registry);
    const publisher = { onPublished: () => undefined } as unknown as KafkaPublisher;
    const client = { consumedGroups: [] } as unknown as KafkaClient;
    registerKafkaMetrics(registry, { client, publisher });
    const platform = await seriesNamesOf(registry);

    const used = dashboardMetricNames(dashboard);
    expect(used.length).toBeGreaterThan(30);
    const unknown = used.filter(
      (name) => !platform.has(name) && !SERVICE_PREFIXES.some((prefix) => name.startsWith(prefix)),
    );
    expect(unknown).toEqual([]);
    expect(used).toEqual(
      expect.arrayContaining([
        'kafka_consumer_group_lag',
        'kafka_dead_letters_total',
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'http_request_duration_seconds_count',
      ]),
    );
  });
});
