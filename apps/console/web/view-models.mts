/**
 * Models: every version in the registry with its held-out metrics over time (a chart of the chosen
 * metric, the baseline scored on the same split beside it), the champion highlighted, the promotions.
 */
import type { ModelsV1 } from '@recsys/contracts';
import { api } from './api.mjs';
import { legend, lineChart, type LineSeries } from './charts.mjs';
import {
  badge,
  card,
  el,
  formatNumber,
  formatPrecise,
  formatTime,
  replaceChildren,
  table,
} from './dom.mjs';
import { poll, type View } from './view.mjs';

const REFRESH_MS = 15_000;
const TABLE_METRICS = ['auc', 'logLoss', 'ndcg@10', 'hr@10', 'mrr@10'];

type Version = ModelsV1['versions'][number];

export const modelsView: View = (context) => {
  const body = el('div', { class: 'models' });
  replaceChildren(context.root, el('h1', {}, 'Models'), body);
  let metric = 'auc';
  let latest: ModelsV1 | undefined;
  const render = () => {
    if (latest === undefined) return;
    const models = latest;
    if (!models.metricNames.includes(metric) && models.metricNames[0] !== undefined)
      metric = models.metricNames[0];
    replaceChildren(
      body,
      championCard(models),
      el(
        'section',
        { id: 'metric-chart' },
        el('h2', {}, 'Held-out metrics by version'),
        metricPicker(models.metricNames, metric, (chosen) => {
          metric = chosen;
          render();
        }),
        metricChart(models, metric),
      ),
      el(
        'section',
        { id: 'versions' },
        el('h2', {}, `Versions of ${models.modelName}`),
        versionsTable(models),
      ),
      el('section', { id: 'promotions' }, el('h2', {}, 'Promotion history'), promotions(models)),
    );
  };
  return poll(
    context,
    async () => {
      latest = await api.models();
      render();
    },
    REFRESH_MS,
  );
};

function championCard(models: ModelsV1): HTMLElement {
  const champion = models.versions.find((version) => version.version === models.champion);
  if (champion === undefined)
    return card(
      'Champion',
      el(
        'span',
        { 'data-testid': 'champion' },
        'No champion yet: the first model is promoted once it beats the popularity baseline.',
      ),
    );
  return card(
    'Champion',
    el(
      'div',
      {},
      el('strong', { 'data-testid': 'champion' }, champion.version),
      ` · trained ${formatTime(champion.createdAt)}`,
      champion.trainingWindow === undefined
        ? ''
        : ` on ${formatNumber(champion.trainingWindow.examples)} examples`,
      el(
        'div',
        { class: 'metrics' },
        ...TABLE_METRICS.filter((name) => champion.metrics[name] !== undefined).map((name) =>
          el('span', { class: 'metric' }, `${name} ${formatPrecise(champion.metrics[name]!)}`),
        ),
      ),
    ),
    { class: 'champion-card' },
  );
}

function metricPicker(
  names: string[],
  selected: string,
  onChange: (name: string) => void,
): HTMLElement {
  const select = el(
    'select',
    { id: 'metric', 'aria-label': 'metric' },
    ...names.map((name) => el('option', { value: name, selected: name === selected }, name)),
  );
  select.addEventListener('change', () => onChange(select.value));
  return el('label', { class: 'picker' }, 'metric ', select);
}

function metricChart(models: ModelsV1, metric: string): HTMLElement {
  const pointOf = (version: Version, value: number) => ({
    x: Date.parse(version.createdAt),
    y: value,
    label: `${version.version} (${version.status}): ${metric} ${formatPrecise(value)}`,
    className:
      version.version === models.champion
        ? 'champion'
        : version.status === 'rejected'
          ? 'rejected'
          : 'version',
  });
  const withMetric = (key: string) =>
    models.versions.filter((version) => Number.isFinite(version.metrics[key]));
  const series: LineSeries[] = [
    {
      name: 'model',
      markers: true,
      points: withMetric(metric).map((version) => pointOf(version, version.metrics[metric]!)),
    },
    {
      name: 'popularity baseline',
      dashed: true,
      points: withMetric(`baseline.${metric}`).map((version) => ({
        x: Date.parse(version.createdAt),
        y: version.metrics[`baseline.${metric}`]!,
        label: `baseline on ${version.version}'s split: ${formatPrecise(version.metrics[`baseline.${metric}`]!)}`,
      })),
    },
  ];
  return el(
    'div',
    { class: 'chart-box', 'data-testid': 'metric-chart' },
    lineChart({
      title: `${metric} by model version`,
      series,
      zeroBased: false,
      singleXPadding: 3_600_000,
      xFormat: (ms) =>
        new Date(ms).toLocaleString('en-GB', {
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
        }),
      yFormat: (value) => formatPrecise(value),
    }),
    legend([
      { name: 'model', figure: 'large dot: champion · hollow: rejected' },
      { name: 'popularity baseline' },
    ]),
  );
}

function versionsTable(models: ModelsV1): HTMLElement {
  if (models.versions.length === 0) return el('p', { class: 'empty' }, 'No model trained yet.');
  const newestFirst = [...models.versions].reverse();
  return table(
    ['version', 'trained', 'status', ...TABLE_METRICS, 'examples', 'note'],
    newestFirst.map((version) => [
      version.version === models.champion ? el('strong', {}, version.version) : version.version,
      formatTime(version.createdAt),
      badge(
        version.status,
        version.status === 'champion' ? 'good' : version.status === 'rejected' ? 'bad' : 'neutral',
      ),
      ...TABLE_METRICS.map((name) =>
        version.metrics[name] === undefined ? '—' : formatPrecise(version.metrics[name]),
      ),
      version.trainingWindow === undefined ? '—' : formatNumber(version.trainingWindow.examples),
      version.note ?? '',
    ]),
    { 'data-testid': 'versions' },
  );
}

function promotions(models: ModelsV1): HTMLElement {
  if (models.promotions.length === 0) return el('p', { class: 'empty' }, 'No promotion yet.');
  return table(
    ['when', 'version', 'replaced', 'why'],
    models.promotions.map((entry) => [
      formatTime(entry.at),
      entry.version,
      entry.previousVersion ?? '—',
      entry.reason.replace(/_/g, ' '),
    ]),
    { 'data-testid': 'promotions' },
  );
}
