/**
 * Look up a user: the features the store holds for them (profile, counts, affinities, recent items),
 * the events the console saw lately, and the scorer's current recommendations with their explanations.
 * Personal data: nothing of it goes into the URL or storage.
 */
import type { RecommendationResponseV1, UserLookupV1 } from '@recsys/contracts';
import { ApiError, AuthError, api } from './api.mjs';
import {
  badge,
  card,
  el,
  formatDuration,
  formatNumber,
  formatPercent,
  formatPrecise,
  formatTime,
  replaceChildren,
  table,
  unavailable,
} from './dom.mjs';
import type { View } from './view.mjs';

type Kind = UserLookupV1['query']['kind'];

export const usersView: View = (context) => {
  const result = el('div', { class: 'lookup-result' });
  const input = el('input', {
    id: 'user-id',
    name: 'id',
    required: true,
    maxlength: 128,
    placeholder: 'user id',
    autocomplete: 'off',
  });
  const kind = el(
    'select',
    { id: 'user-kind', name: 'kind', 'aria-label': 'id kind' },
    el('option', { value: 'user' }, 'storefront user id'),
    el('option', { value: 'anonymous' }, 'anonymous id'),
    el('option', { value: 'key' }, 'feature-store key'),
  );
  const form = el(
    'form',
    { id: 'lookup-form', class: 'lookup' },
    input,
    kind,
    el('button', { type: 'submit' }, 'Look up'),
  );
  let active = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookUp(input.value.trim(), kind.value as Kind);
  });
  const lookUp = async (id: string, idKind: Kind) => {
    if (id === '') return;
    replaceChildren(result, el('p', { class: 'note' }, 'Looking up…'));
    try {
      const user = await api.user(id, idKind);
      if (active) replaceChildren(result, ...userSections(user));
      context.status(`looked up ${new Date().toLocaleTimeString('en-GB')}`);
    } catch (error) {
      if (error instanceof AuthError) return context.signedOut();
      const apiError = error instanceof ApiError ? error : new ApiError('ERROR', String(error), 0);
      replaceChildren(
        result,
        unavailable('Lookup', { code: apiError.code, message: apiError.message }),
      );
    }
  };
  replaceChildren(context.root, el('h1', {}, 'Look up a user'), form, result);
  input.focus();
  return () => {
    active = false;
  };
};

function userSections(user: UserLookupV1): HTMLElement[] {
  return [
    el(
      'p',
      { class: 'note' },
      'Feature-store key ',
      el('code', { 'data-testid': 'user-key' }, user.userKey),
      user.found ? '' : ' · nothing stored for this user (a cold start)',
    ),
    profile(user),
    el(
      'div',
      { class: 'columns' },
      el('section', {}, el('h2', {}, 'Counts'), counts(user)),
      el('section', {}, el('h2', {}, 'Affinities'), affinities(user)),
    ),
    el(
      'section',
      { id: 'recommendations' },
      el('h2', {}, 'Current recommendations'),
      recommendations(user.recommendations, user.recommendedItems),
    ),
    el(
      'section',
      { id: 'sequence' },
      el('h2', {}, 'Recent items (the model’s input)'),
      sequence(user),
    ),
    el('section', { id: 'recent-events' }, el('h2', {}, 'Recent events'), recentEvents(user)),
  ];
}

function profile(user: UserLookupV1): HTMLElement {
  const features = user.features;
  return el(
    'div',
    { class: 'cards', 'data-testid': 'profile' },
    card('First seen', formatTime(features.firstSeenAt)),
    card('Last seen', formatTime(features.lastSeenAt)),
    card(
      'Session',
      features.session.id === null
        ? '—'
        : `${features.session.events} event${features.session.events === 1 ? '' : 's'} over ${formatDuration(features.session.durationMs)}`,
    ),
    card('Revenue', formatNumber(features.revenue)),
    card(
      'Price band (mean unit price)',
      features.meanPrice === null ? '—' : formatNumber(features.meanPrice),
    ),
    card(
      'Personalisation',
      features.optedOut === true
        ? badge('refused', 'bad')
        : features.optedOut === false
          ? badge('allowed', 'good')
          : 'not stated',
    ),
  );
}

function counts(user: UserLookupV1): HTMLElement {
  const { counts: totals, windowed } = user.features;
  const behaviours = Object.keys(totals).filter(
    (behaviour) => (totals[behaviour] ?? 0) > 0 || windowed[behaviour] !== undefined,
  );
  return table(
    ['behaviour', 'total', '1 h (decayed)', '24 h', '30 d'],
    behaviours.map((behaviour) => [
      behaviour,
      formatNumber(totals[behaviour] ?? 0),
      ...['1h', '24h', '30d'].map((window) => {
        const value = windowed[behaviour]?.[window];
        return value === undefined ? '—' : formatPrecise(value);
      }),
    ]),
    { 'data-testid': 'counts' },
  );
}

function affinities(user: UserLookupV1): HTMLElement {
  const list = (title: string, entries: UserLookupV1['features']['categoryAffinity']) =>
    el(
      'div',
      {},
      el('h3', {}, title),
      entries.length === 0
        ? el('p', { class: 'empty' }, 'none yet')
        : table(
            ['name', 'share'],
            entries.map((entry) => [entry.name, formatPercent(entry.share, 1)]),
          ),
    );
  return el(
    'div',
    { 'data-testid': 'affinities' },
    list('Categories', user.features.categoryAffinity),
    list('Brands', user.features.brandAffinity),
  );
}

/** The scorer's answer, checked just enough to show it (it is passed through as the scorer sent it). */
function isResponse(value: unknown): value is RecommendationResponseV1 {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { items?: unknown }).items)
  );
}

const SCORE_MEANING =
  'The ranker’s score (the candidate source’s without a model) before the diversity cap and exploration re-ordered the list. Rows are in served order (#), so scores need not fall with rank.';

function recommendations(
  answer: UserLookupV1['recommendations'],
  catalogue: UserLookupV1['recommendedItems'],
): HTMLElement {
  if (answer.status !== 'ok') return scorerFailure(answer);
  const response = answer.scorerResponse;
  if (!isResponse(response))
    return el(
      'p',
      { class: 'unavailable' },
      'The scorer answered something that is not a recommendation list.',
    );
  const served = response as RecommendationResponseV1 & { degraded?: boolean };
  const titles = new Map(catalogue.map((item) => [item.itemId, item.title]));
  const inServedOrder = [...served.items].sort((a, b) => a.rank - b.rank);
  return el(
    'div',
    { 'data-testid': 'recommendations' },
    el(
      'p',
      { class: 'note' },
      `model ${served.modelVersion} · arm ${served.arm}${served.experimentId ? ` (${served.experimentId})` : ''} · ${served.personalized ? 'personalised' : 'not personalised'}${served.degraded ? ' · degraded' : ''} · ${formatDuration(answer.latencyMs)}`,
    ),
    table(
      [
        '#',
        'item',
        'title',
        el('abbr', { title: SCORE_MEANING }, 'score before re-ranking'),
        'source',
        'why',
      ],
      inServedOrder.map((item) => [
        String(item.rank + 1),
        el('code', {}, item.itemId),
        el('span', { class: 'title' }, titles.get(item.itemId) ?? '—'),
        formatPrecise(item.score),
        item.source ?? '—',
        el('span', { class: 'explanation' }, item.explanation ?? '—'),
      ]),
    ),
    el('p', { class: 'note', 'data-testid': 'score-meaning' }, SCORE_MEANING),
  );
}

function scorerFailure(
  answer: Exclude<UserLookupV1['recommendations'], { status: 'ok' }>,
): HTMLElement {
  const status = answer.error.httpStatus === null ? '' : ` (HTTP ${answer.error.httpStatus})`;
  return el(
    'div',
    { class: 'unavailable', role: 'alert', 'data-testid': 'recommendations-error' },
    el(
      'strong',
      {},
      answer.status === 'unreachable' ? 'The scorer cannot be reached' : 'The scorer refused',
    ),
    `${status}: ${answer.error.code} — ${answer.error.message}`,
  );
}

/** Items shown at once; the rest of the (up to 50) behind a disclosure. */
const SEQUENCE_SHOWN = 15;

function sequence(user: UserLookupV1): HTMLElement {
  if (user.sequence.length === 0) return el('p', { class: 'empty' }, 'No items yet.');
  const rows = user.sequence.map((item, index) => [
    String(index + 1),
    el('code', {}, item.itemId),
    item.title ?? '—',
    item.category ?? '—',
    item.price === null ? '—' : formatNumber(item.price),
  ]);
  const headers = ['#', 'item', 'title', 'category', 'price'];
  const rest = rows.slice(SEQUENCE_SHOWN);
  return el(
    'div',
    {},
    table(headers, rows.slice(0, SEQUENCE_SHOWN), { 'data-testid': 'sequence' }),
    rest.length === 0
      ? null
      : el('details', {}, el('summary', {}, `${rest.length} older items`), table(headers, rest)),
  );
}

function recentEvents(user: UserLookupV1): HTMLElement {
  if (user.recentEvents.length === 0)
    return el('p', { class: 'empty' }, 'The console saw no event of this user in the last hour.');
  return table(
    ['when', 'event', 'id'],
    user.recentEvents.map((event) => [
      formatTime(event.at),
      event.eventType,
      el('code', {}, event.eventId),
    ]),
    { 'data-testid': 'recent-events' },
  );
}
