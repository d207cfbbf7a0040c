/**
 * What one event does to its user's state and keys (in place, with the writes recorded): counts, decayed
 * counts, session, affinities, sequence, impressions, outcomes, co-visitation pairs, and the snapshot a
 * training example is built from. Pure: no I/O.
 */
import {
  featureLimits,
  featureRetention,
  stateLimits,
  windowedBehaviours,
  windowNames,
} from './feature-spec';
import { decayedTerm } from './forward-decay';
import { CATEGORY_SEPARATOR } from './item-features';
import type { FeatureSnapshot } from './training-examples';
import { interactionWeight, type UpdatePlan } from './update-plan';
import type { ApplyContext, EventToApply, UserState } from './user-state';
import type { SlotGroupWrites } from './writes';

/** A user's untouched keys get their TTL refreshed at most this often (written keys at every write). */
const TTL_REFRESH_MS = 86_400_000;

/** One event being applied to its user. */
export interface Update {
  state: UserState;
  user: SlotGroupWrites<'user'>;
  event: EventToApply;
  context: ApplyContext;
}

/** Sets a profile field (the user's packed state is written whole at the flush: packUserStates). */
export function setProfile(update: Pick<Update, 'state'>, field: string, value: string): void {
  update.state.profile[field] = value;
  update.state.unsaved = true;
}

function addToProfile(update: Update, field: string, by: number): void {
  setProfile(update, field, String(Number(update.state.profile[field] ?? 0) + by));
}

export function updateUser(update: Update): void {
  const { plan } = update.event;
  if (plan.behaviour === 'impression' && plan.requestId !== undefined) rememberImpression(update);
  rememberOutcomes(update);
  addToProfile(update, `n:${plan.behaviour}`, 1);
  if ((windowedBehaviours as readonly string[]).includes(plan.behaviour)) addDecayed(update);
  updateSession(update);
  if (plan.revenue !== undefined) addToProfile(update, 'rev', plan.revenue);
  const weight = interactionWeight(plan.interaction);
  for (const touch of plan.items) {
    if (touch.price !== undefined) {
      addToProfile(update, 'price_sum', touch.price);
      addToProfile(update, 'price_n', 1);
    }
    if (weight > 0) interact(update, touch.itemId, weight);
  }
  expireUserKeys(update);
}

/** The user's keys besides the packed state (which is written with its TTL at every flush). */
function expireUserKeys({ state, user, context }: Update): void {
  for (const family of ['shown', 'purchased'] as const) user.expire(family, context.userTtlSeconds);
  const refreshedAt = state.ttlRefreshedAtMs;
  if (refreshedAt === undefined || context.nowMs - refreshedAt > TTL_REFRESH_MS) {
    state.ttlRefreshedAtMs = context.nowMs;
    user.refreshTtl = true;
  }
}

function addDecayed(update: Update): void {
  const { plan } = update.event;
  for (const window of windowNames) {
    const term = decayedTerm({ behaviour: plan.behaviour, window }, plan.timestampMs);
    addToProfile(update, term.field, term.weight);
    delete update.state.profile[term.staleField];
  }
}

/** first/last seen and the current session. */
function updateSession(update: Update): void {
  const { plan } = update.event;
  const profile = update.state.profile;
  const at = String(plan.timestampMs);
  if (profile['first'] === undefined || plan.timestampMs < Number(profile['first']))
    setProfile(update, 'first', at);
  if (profile['last'] === undefined || plan.timestampMs > Number(profile['last']))
    setProfile(update, 'last', at);
  if (profile['sess'] !== plan.sessionId) {
    for (const [field, value] of [
      ['sess', plan.sessionId],
      ['sess_start', at],
      ['sess_last', at],
      ['sess_n', '1'],
    ] as const)
      setProfile(update, field, value);
    update.state.sessionItems = [];
    return;
  }
  addToProfile(update, 'sess_n', 1);
  if (plan.timestampMs < Number(profile['sess_start'])) setProfile(update, 'sess_start', at);
  if (plan.timestampMs > Number(profile['sess_last'])) setProfile(update, 'sess_last', at);
}

function rememberImpression({ state, user, event }: Update): void {
  const { plan } = event;
  const items = plan.items.slice(0, stateLimits.impressionItemsKept).map((touch) => touch.itemId);
  const entry = `${plan.requestId}|${items.join(',')}`;
  state.impressions.unshift(entry);
  if (state.impressions.length > stateLimits.impressionsKept)
    state.impressions.length = stateLimits.impressionsKept;
  user.listPush('impressions', entry, stateLimits.impressionsKept);
  user.expire('impressions', featureRetention.impressionsSeconds);
  for (const itemId of items) user.increment('shown', itemId, 1);
}

/** Outcomes the scorer filters on: what was bought, what was clicked after being shown, consent. */
function rememberOutcomes(update: Update): void {
  const { plan } = update.event;
  if (plan.behaviour === 'purchase') {
    for (const touch of plan.items)
      update.user.sortedSetAdd('purchased', touch.itemId, {
        score: plan.timestampMs,
        keep: stateLimits.purchasedKept,
      });
  } else if (plan.behaviour === 'click') {
    for (const touch of plan.items) update.user.increment('shown', `c:${touch.itemId}`, 1);
  }
  if (plan.personalization !== undefined)
    setProfile(update, 'optout', plan.personalization ? '0' : '1');
}

function interact(update: Update, itemId: string, weight: number): void {
  const { plan } = update.event;
  const stored = update.context.items.get(itemId)?.stored ?? {};
  const category =
    plan.categoryPath && plan.categoryPath.length > 0
      ? plan.categoryPath.join(CATEGORY_SEPARATOR)
      : stored['cat'];
  if (category) addAffinity(update, 'categories', { name: category, weight });
  const brand = stored['brand'];
  if (brand) addAffinity(update, 'brands', { name: brand, weight });
  const { state } = update;
  state.sequence.unshift(itemId);
  if (state.sequence.length > featureLimits.sequenceLength)
    state.sequence.length = featureLimits.sequenceLength;
  coVisit(update, itemId, weight);
}

function addAffinity(
  update: Update,
  family: 'categories' | 'brands',
  { name, weight }: { name: string; weight: number },
): void {
  const affinity = update.state[family];
  const value = String(Number(affinity[name] ?? 0) + weight);
  affinity[name] = value;
}

/**
 * Pairs the item with the session's earlier items (both ways), then remembers it in the session. Each
 * side is skipped when that item already counted the event (a replay).
 */
function coVisit({ state, event, context }: Update, itemId: string, weight: number): void {
  const paired = new Set<string>();
  const change = { by: weight, keep: featureLimits.coVisitationTopN };
  const counts = (id: string) => event.offset > (context.items.get(id)?.appliedOffset ?? -1n);
  for (const other of state.sessionItems.slice(0, featureLimits.coVisitationLookback)) {
    if (other === itemId || paired.has(other)) continue;
    paired.add(other);
    if (counts(other))
      context.writes.item(other).sortedSetIncrement('coVisitation', itemId, change);
    if (counts(itemId))
      context.writes.item(itemId).sortedSetIncrement('coVisitation', other, change);
  }
  state.sessionItems.unshift(itemId);
  if (state.sessionItems.length > featureLimits.coVisitationLookback)
    state.sessionItems.length = featureLimits.coVisitationLookback;
}

/** The state just before a labelled event: the user's, its items' and its negatives'. */
export function snapshotOf(
  state: UserState,
  plan: UpdatePlan,
  context: ApplyContext,
): FeatureSnapshot {
  const positives = new Set(plan.items.map((touch) => touch.itemId));
  const negativeIds =
    plan.behaviour === 'click' && plan.requestId !== undefined
      ? shownButNotClicked(state, plan.requestId, positives)
      : context.negativesFor(positives);
  return {
    user: {
      profile: { ...state.profile },
      categoryAffinity: { ...state.categories },
      brandAffinity: { ...state.brands },
      sequence: [...state.sequence],
    },
    items: plan.items.map((touch) => ({
      itemId: touch.itemId,
      stored: context.items.get(touch.itemId)?.stored ?? {},
    })),
    negatives: negativeIds.map((itemId) => ({ itemId, stored: context.itemHash(itemId) })),
  };
}

/** A click's negatives are the other items of the impression it came from (shown but not clicked). */
function shownButNotClicked(
  state: UserState,
  requestId: string,
  positives: ReadonlySet<string>,
): string[] {
  const entry = state.impressions.find((impression) => impression.startsWith(`${requestId}|`));
  if (entry === undefined) return [];
  const items = entry.slice(requestId.length + 1).split(',');
  return [...new Set(items)].filter((itemId) => itemId !== '' && !positives.has(itemId));
}
