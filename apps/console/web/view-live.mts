/**
 * Live: events/s per event type over the last ten minutes, dead letters by reason, consumer lag per
 * group, the data-quality gate and feature freshness. Refreshed every few seconds.
 */
import type {
  ConsumerLagV1,
  DeadLetterCountsV1,
  EventRatesV1,
  LiveV1,
  PipelineStatusV1,
} from '@recsys/contracts';
import { api } from './api.mjs';
import { legend, lineChart } from './charts.mjs';
import {
  badge,
  card,
  el,
  formatDuration,
  formatNumber,
  formatPercent,
  formatTime,
  replaceChildren,
  table,
  timeAgo,
  unavailable,
} from './dom.mjs';
import { poll, type View } from './view.mjs';

const REFRESH_MS = 3_000;
const STEP_SECONDS = 5;

export const liveView: View = (context) => {
  const body = el('div', { class: 'live' });
  replaceChildren(context.root, el('h1', {}, 'Live'), body);
  return poll(
    context,
    async () => replaceChildren(body, ...liveSections(await api.live(STEP_SECONDS))),
    REFRESH_MS,
  );
};

function liveSections(live: LiveV1): HTMLElement[] {
  return [
    headline(live),
    el(
      'section',
      { id: 'events' },
      el('h2', {}, 'Events per second by type · last 10 minutes'),
      eventsChart(live.events),
    ),
    el(
      'section',
      { id: 'dead-letters' },
      el('h2', {}, 'Dead letters by reason'),
      deadLetters(live.deadLetters),
    ),
    el(
      'section',
      { id: 'quality' },
      el('h2', {}, 'Data quality and feature freshness'),
      pipeline(live.pipeline),
    ),
    el('section', { id: 'lag' }, el('h2', {}, 'Consumer lag'), consumerLag(live.consumerLag)),
  ];
}

/** A section's value when it could be read. */
function okOr<T>(
  section: { status: 'ok' } | { status: 'unavailable' },
  read: () => T,
): T | undefined {
  return section.status === 'ok' ? read() : undefined;
}

const figure = (value: string | undefined, testId: string) =>
  el('span', { class: 'figure', 'data-testid': testId }, value ?? '—');

function headline(live: LiveV1): HTMLElement {
  const { events, deadLetters, pipeline, consumerLag } = live;
  const current = okOr(events, () =>
    (events as EventRatesV1).series.reduce((sum, series) => sum + series.currentPerSecond, 0),
  );
  const status = okOr(pipeline, () => pipeline as PipelineStatusV1);
  const lag = okOr(consumerLag, () =>
    (consumerLag as ConsumerLagV1).groups.reduce((sum, group) => sum + group.totalLag, 0),
  );
  return el(
    'div',
    { class: 'cards' },
    card(
      'Events/s (last 10 s)',
      figure(current === undefined ? undefined : formatNumber(current), 'events-per-second'),
    ),
    card(
      'Dead letters (24 h)',
      figure(
        okOr(deadLetters, () => formatNumber((deadLetters as DeadLetterCountsV1).total24Hours)),
        'dead-letters-total',
      ),
    ),
    card('Data-quality gate', gateBadge(status?.gate ?? null)),
    card(
      'Feature freshness p50 / p99',
      figure(freshnessText(status?.freshness ?? null), 'freshness'),
    ),
    card(
      'Newest event applied',
      figure(status === undefined ? undefined : timeAgo(status.lastEventAt), 'last-event'),
    ),
    card(
      'Consumer lag (all groups)',
      figure(lag === undefined ? undefined : formatNumber(lag), 'lag-total'),
    ),
  );
}

type Gate = NonNullable<PipelineStatusV1['gate']>;

/** A judgement's badge: a window too small to judge is neutral, never a green "ok". */
const JUDGEMENT_BADGES: Record<Gate['judgement'], { text: string; tone: string }> = {
  ok: { text: 'ok', tone: 'good' },
  over_threshold: { text: 'over', tone: 'bad' },
  not_judged: { text: 'not judged', tone: 'neutral' },
};

function judgementBadge(judgement: Gate['judgement']): HTMLElement {
  const { text, tone } = JUDGEMENT_BADGES[judgement];
  return el('span', { 'data-judgement': judgement }, badge(text, tone));
}

function gateBadge(gate: PipelineStatusV1['gate']): HTMLElement {
  if (gate === null) return figure('no report', 'quality-gate');
  if (gate.judgement === 'not_judged')
    return el(
      'span',
      { 'data-testid': 'quality-gate', 'data-judgement': gate.judgement },
      badge('NOT JUDGED', 'neutral'),
      ` ${formatNumber(gate.eventsInWindow)} of ${formatNumber(gate.minEvents)} events`,
    );
  const open = gate.state === 'open';
  return el(
    'span',
    { 'data-testid': 'quality-gate', 'data-judgement': gate.judgement },
    badge(open ? 'OPEN' : 'CLOSED', open ? 'good' : 'bad'),
    gate.crossed.length > 0 ? ` ${gate.crossed.join(', ')}` : '',
  );
}

function gateWindowText(gate: Gate): string {
  const window = `Window of ${gate.windowSeconds} s from ${formatTime(gate.windowStartedAt)}: ${formatNumber(gate.eventsInWindow)} events`;
  return gate.judgement === 'not_judged'
    ? `${window}, fewer than the ${formatNumber(gate.minEvents)} the gate needs to judge: the shares below decide nothing yet.`
    : `${window} (the gate judges from ${formatNumber(gate.minEvents)} on).`;
}

function gateTable(gate: Gate): HTMLElement {
  return el(
    'div',
    { 'data-testid': 'quality-table' },
    el('h3', {}, 'Data-quality gate of the current window'),
    el('p', {}, gateWindowText(gate)),
    table(
      ['metric', 'share', 'threshold', 'judgement'],
      (['invalid', 'duplicate', 'late', 'unknown_item'] as const).map((metric) => [
        metric.replace('_', ' '),
        formatPercent(gate.ratios[metric]),
        formatPercent(gate.thresholds[metric]),
        judgementBadge(gate.metricJudgements[metric]),
      ]),
    ),
  );
}

function freshnessText(freshness: PipelineStatusV1['freshness']): string | undefined {
  if (freshness === null) return undefined;
  return `${formatDuration(freshness.p50Ms)} / ${formatDuration(freshness.p99Ms)}`;
}

function eventsChart(events: LiveV1['events']): HTMLElement {
  if (events.status !== 'ok') return unavailable('Event rates', events.error);
  const rates: EventRatesV1 = events;
  const stepMs = rates.stepSeconds * 1_000;
  const series = rates.series.map((entry) => ({
    name: entry.eventType,
    points: entry.perSecond.map((value, index) => ({
      x: rates.startMs + (index + 1) * stepMs,
      y: value,
      label: `${entry.eventType}: ${formatNumber(value)}/s`,
    })),
  }));
  const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-GB');
  return el(
    'div',
    { class: 'chart-box', 'data-testid': 'events-chart' },
    lineChart({
      title: 'events per second by type',
      series,
      xFormat: clock,
      yFormat: (value) => `${formatNumber(value)}/s`,
    }),
    legend(
      rates.series.map((entry) => ({
        name: entry.eventType,
        figure: `${formatNumber(entry.currentPerSecond)}/s now · ${formatNumber(entry.total)} in 10 min`,
      })),
    ),
    el(
      'p',
      { class: 'note' },
      `Counted from ${formatTime(rates.countingSince)} on, by the time the platform accepted each event.`,
    ),
  );
}

function deadLetters(section: LiveV1['deadLetters']): HTMLElement {
  if (section.status !== 'ok') return unavailable('Dead letters', section.error);
  const counts: DeadLetterCountsV1 = section;
  if (counts.entries.length === 0)
    return el(
      'p',
      { class: 'empty', 'data-testid': 'dead-letters' },
      'No dead letters in the last 24 hours.',
    );
  return table(
    ['service', 'reason', 'error code', 'last minute', '10 min', '1 h', '24 h', 'last'],
    counts.entries.map((entry) => [
      entry.service,
      el('span', { class: 'reason' }, entry.reason),
      el('code', {}, entry.code),
      formatNumber(entry.lastMinute),
      formatNumber(entry.last10Minutes),
      formatNumber(entry.lastHour),
      formatNumber(entry.last24Hours),
      timeAgo(entry.lastAt),
    ]),
    { 'data-testid': 'dead-letters' },
  );
}

function pipeline(section: LiveV1['pipeline']): HTMLElement {
  if (section.status !== 'ok') return unavailable('Quality gate and freshness', section.error);
  const status: PipelineStatusV1 = section;
  if (status.instances.length === 0)
    return el('p', { class: 'empty' }, 'No preprocessor has reported yet.');
  const gate = status.gate;
  return el(
    'div',
    { class: 'pipeline' },
    gate === null ? null : gateTable(gate),
    el('h3', {}, 'Preprocessor instances'),
    table(
      [
        'preprocessor',
        'events applied',
        'dead letters',
        'newest event',
        'last applied',
        'freshness p50',
        'p99',
        'reported',
      ],
      status.instances.map((instance) => [
        instance.instance,
        formatNumber(instance.eventsApplied),
        formatNumber(instance.deadLetters),
        formatTime(instance.lastEventAt),
        timeAgo(instance.lastAppliedAt),
        instance.freshness === null ? '—' : formatDuration(instance.freshness.p50Ms),
        instance.freshness === null ? '—' : formatDuration(instance.freshness.p99Ms),
        timeAgo(instance.updatedAt),
      ]),
      { 'data-testid': 'instances' },
    ),
  );
}

function consumerLag(section: LiveV1['consumerLag']): HTMLElement {
  if (section.status !== 'ok') return unavailable('Consumer lag', section.error);
  const lag: ConsumerLagV1 = section;
  if (lag.groups.length === 0)
    return el('p', { class: 'empty' }, 'No consumer group has committed offsets yet.');
  return table(
    ['group', 'state', 'members', 'lag', 'by topic'],
    lag.groups.map((group) => [
      el('code', {}, group.groupId),
      group.state,
      formatNumber(group.members),
      el('strong', {}, formatNumber(group.totalLag)),
      group.topics.map((topic) => `${topic.topic}: ${formatNumber(topic.lag)}`).join(' · '),
    ]),
    { 'data-testid': 'lag' },
  );
}
