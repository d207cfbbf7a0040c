/**
 * Which metrics a Grafana dashboard reads, and which series a registry exposes: the services' tests
 * check every metric of the chart's dashboard is one they register, so renaming a metric breaks a test
 * instead of silently emptying a panel.
 */
import type { Registry } from 'prom-client';

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/** Metric names in one PromQL expression (functions, labels, keywords and durations left out). */
export function metricNamesOf(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w:.$])[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?/g)) {
    const [token, call] = [match[0].replace(/\s*\($/, ''), match[1]];
    if (call !== undefined || PROMQL_WORDS.has(token.toLowerCase())) continue;
    names.add(token);
  }
  return [...names];
}

interface DashboardNode {
  expr?: unknown;
  targets?: unknown;
  panels?: unknown;
}

/** Every metric name the panels (rows' panels included) of a dashboard model query, sorted. */
export function dashboardMetricNames(dashboard: unknown): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const { expr, targets, panels } = node as DashboardNode;
    if (typeof expr === 'string') for (const name of metricNamesOf(expr)) names.add(name);
    visit(targets);
    visit(panels);
  };
  visit((dashboard as DashboardNode).panels);
  return [...names].sort();
}

/** The series names a registry exposes: histograms as `_bucket`, `_sum` and `_count` too. */
export async function seriesNamesOf(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    const type = String(metric.type);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    if (type === 'summary')
      for (const suffix of ['_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}
