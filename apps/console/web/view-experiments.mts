/**
 * Experiments: each A/B test with per-arm impressions, CTR and conversion with their 95 % intervals,
 * the comparison with control (uplift interval, p-value, significance) and the guardrails' decision.
 */
import type { ExperimentV1 } from '@recsys/contracts';
import { api } from './api.mjs';
import { intervalChart } from './charts.mjs';
import {
  badge,
  el,
  formatNumber,
  formatPercent,
  formatPrecise,
  formatTime,
  replaceChildren,
  table,
} from './dom.mjs';
import { poll, type View } from './view.mjs';

const REFRESH_MS = 10_000;

type Arm = ExperimentV1['arms'][number];
type Comparison = NonNullable<Arm['versusControl']>['ctr'];

export const experimentsView: View = (context) => {
  const body = el('div', { class: 'experiments' });
  replaceChildren(context.root, el('h1', {}, 'Experiments'), body);
  return poll(
    context,
    async () => {
      const { experiments } = await api.experiments();
      replaceChildren(
        body,
        ...(experiments.length === 0
          ? [
              el(
                'p',
                { class: 'empty' },
                'No experiment defined. Create one with `npm run cli -- experiments put`.',
              ),
            ]
          : experiments.map(experimentSection)),
      );
    },
    REFRESH_MS,
  );
};

function experimentSection(experiment: ExperimentV1): HTMLElement {
  return el(
    'section',
    { class: 'experiment', 'data-experiment': experiment.id },
    el(
      'h2',
      {},
      experiment.id,
      ' ',
      badge(experiment.status, experiment.status === 'running' ? 'good' : 'neutral'),
    ),
    el('p', {}, experiment.description || '(no description)'),
    el(
      'p',
      { class: 'note' },
      `Primary metric ${experiment.primaryMetric.toUpperCase()} · control ${experiment.controlArm} · α ${experiment.alpha}`,
      ` · placements ${experiment.placements?.join(', ') ?? 'all'} · started ${formatTime(experiment.startedAt)}`,
    ),
    decisionLine(experiment),
    armsTable(experiment),
    intervals(experiment),
    experiment.caveats.length === 0
      ? null
      : el('ul', { class: 'caveats' }, ...experiment.caveats.map((caveat) => el('li', {}, caveat))),
    el(
      'p',
      { class: 'note' },
      `Sample-ratio test p = ${formatPrecise(experiment.sampleRatioPValue)}`,
    ),
  );
}

function decisionLine(experiment: ExperimentV1): HTMLElement {
  const { decision, promotion } = experiment;
  const promote = decision.action === 'promote';
  return el(
    'p',
    { class: 'decision', 'data-testid': 'decision' },
    badge(promote ? `promote ${decision.arm ?? ''}` : 'keep', promote ? 'good' : 'neutral'),
    ` ${decision.reason}`,
    promotion === null
      ? ''
      : ` · concluded: ${promotion.arm} promoted ${formatTime(promotion.promotedAt)}`,
  );
}

function intervals(experiment: ExperimentV1): HTMLElement {
  const rows = (rate: (arm: Arm) => Arm['ctr']) =>
    experiment.arms.map((arm) => ({
      name: arm.arm,
      estimate: rate(arm).rate,
      lower: rate(arm).lower,
      upper: rate(arm).upper,
      highlight: arm.arm !== experiment.controlArm,
    }));
  const percent = (value: number) => formatPercent(value);
  return el(
    'div',
    { class: 'intervals' },
    el(
      'div',
      {},
      el('h3', {}, 'CTR, 95 % interval'),
      intervalChart(
        'CTR by arm',
        rows((arm) => arm.ctr),
        percent,
      ),
    ),
    el(
      'div',
      {},
      el('h3', {}, 'Conversion, 95 % interval'),
      intervalChart(
        'conversion by arm',
        rows((arm) => arm.conversion),
        percent,
      ),
    ),
  );
}

function armsTable(experiment: ExperimentV1): HTMLElement {
  return table(
    [
      'arm',
      'serves',
      'share',
      'impressions',
      'clicks',
      'CTR [95 %]',
      'users',
      'converted',
      'conversion [95 %]',
      'CTR vs control',
      'conversion vs control',
    ],
    experiment.arms.map((arm) => [
      arm.arm === experiment.controlArm
        ? el('span', {}, arm.arm, ' ', badge('control', 'neutral'))
        : arm.arm,
      arm.strategy,
      formatPercent(arm.share, 0),
      formatNumber(arm.impressions),
      formatNumber(arm.clicks),
      rateWithInterval(arm.ctr),
      formatNumber(arm.exposedUsers),
      formatNumber(arm.convertedUsers),
      rateWithInterval(arm.conversion),
      arm.versusControl === null ? '—' : comparison(arm.versusControl.ctr),
      arm.versusControl === null ? '—' : comparison(arm.versusControl.conversion),
    ]),
    { 'data-testid': 'arms', class: 'arms' },
  );
}

function rateWithInterval(estimate: Arm['ctr']): string {
  return `${formatPercent(estimate.rate)} [${formatPercent(estimate.lower)}, ${formatPercent(estimate.upper)}]`;
}

function comparison(metric: Comparison): HTMLElement {
  const relative = metric.relative;
  const uplift =
    relative === null
      ? `${formatPercent(metric.absolute.estimate)} abs.`
      : `${relative.estimate >= 0 ? '+' : ''}${formatPercent(relative.estimate, 1)} [${formatPercent(relative.lower, 1)}, ${formatPercent(relative.upper, 1)}]`;
  return el(
    'span',
    { class: metric.significant ? 'significant' : '' },
    uplift,
    el('br', {}),
    `p = ${formatPrecise(metric.pValue)} `,
    metric.significant ? badge('significant', 'good') : badge('not significant', 'neutral'),
  );
}
