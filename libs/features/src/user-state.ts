/**
 * A user's feature state as the preprocessor holds it in memory, and what one event does to it: the
 * user's own keys (profile, affinities, sequence, session, shown, purchased, impressions) and the item
 * and shard aggregates the event moves, all as compacted writes (./writes.ts). Pure: no I/O. The owner of
 * the user's partition applies events in order; the store persists the writes with the guard that makes
 * a replay change nothing (FORMAT.md "Feature store (v2)").
 */
import { createHash } from 'node:crypto';
import { featureRetention, stateLimits } from './feature-spec';
import { updateItem } from './item-updates';
import type { StoredHash } from './stored-features';
import type { FeatureSnapshot } from './training-examples';
import type { UpdatePlan } from './update-plan';
import type { StoredUser } from './user-features';
import { setProfile, snapshotOf, updateUser } from './user-updates';
import type { FlushWrites } from './writes';

/** The erasure of a user, as the privacy tombstone records it. */
export interface UserTombstone {
  erasedAtMs: number;
  /** The refusal of personalisation carried past the erasure (updated by later consent). */
  optedOut: boolean;
}

/** The guard of a user's keys: what is applied, and the erasure mark the writes are fenced by. */
export interface UserGuard {
  /** Offset applied per source (`<topic>:<partition>`), in memory. */
  offsets: Record<string, string>;
  /** The same as the store holds it: what a flush expects to find (its compare-and-set). */
  storedOffsets: Record<string, string>;
  /** Changed by each erasure: a write that expected another value is refused. */
  erasureMark: string;
  /** Hashes of the user's newest event ids (client re-posts), newest first. */
  recentEvents: string[];
}

export interface UserState {
  userKey: string;
  profile: Record<string, string>;
  categories: Record<string, string>;
  brands: Record<string, string>;
  /** Most recent first. */
  sequence: string[];
  /** This session's items, most recent first. */
  sessionItems: string[];
  /** `<requestId>|<item>,<item>…`, most recent first. */
  impressions: string[];
  guard: UserGuard;
  tombstone: UserTombstone | undefined;
  /** Read from the keys the packed state replaced: the next flush deletes them (packUserStates). */
  legacyKeys: boolean;
  /** Changed since its packed state was last written (a re-post or an erased event changes nothing). */
  unsaved?: boolean;
  /** When this owner last refreshed the TTL of every key of the user (in memory only). */
  ttlRefreshedAtMs?: number;
}

/** What the store holds of a user (read on a cache miss). */
export interface StoredUserState extends StoredUser {
  sessionItems: string[];
  impressions: string[];
  guard: StoredHash;
  tombstone: UserTombstone | undefined;
  /** Read from the keys the packed state replaced (a user not written since it was introduced). */
  legacyKeys?: boolean;
}

const GUARD_ERASURE = 'e';
const GUARD_RECENT = 'ids';
const GUARD_OFFSET_PREFIX = 'o:';

/** Guard hash fields (FORMAT.md): `o:<topic>:<partition>`, `r:<topic>:<partition>`, `e`, `ids`. */
export const guardFields = {
  offset: (source: string) => `${GUARD_OFFSET_PREFIX}${source}`,
  /** On a shard's guard: the source offset every group of the flushes up to it is written for. */
  resumeAfter: (source: string) => `r:${source}`,
  erasureMark: GUARD_ERASURE,
  recentEvents: GUARD_RECENT,
} as const;

/** What the store holds of a user it never saw (tests, tools); `userStateOf` copies it. */
export const NOTHING_STORED: Readonly<StoredUserState> = Object.freeze({
  profile: {},
  categoryAffinity: {},
  brandAffinity: {},
  sequence: [],
  sessionItems: [],
  impressions: [],
  guard: {},
  tombstone: undefined,
});

export function userStateOf(userKey: string, stored: Readonly<StoredUserState>): UserState {
  const offsets: Record<string, string> = {};
  for (const [field, value] of Object.entries(stored.guard)) {
    if (field.startsWith(GUARD_OFFSET_PREFIX))
      offsets[field.slice(GUARD_OFFSET_PREFIX.length)] = value;
  }
  return {
    userKey,
    profile: { ...stored.profile },
    categories: { ...stored.categoryAffinity },
    brands: { ...stored.brandAffinity },
    sequence: [...stored.sequence],
    sessionItems: [...stored.sessionItems],
    impressions: [...stored.impressions],
    guard: {
      offsets,
      storedOffsets: { ...offsets },
      erasureMark: stored.guard[GUARD_ERASURE] ?? '',
      recentEvents: stored.guard[GUARD_RECENT] ? stored.guard[GUARD_RECENT].split(' ') : [],
    },
    tombstone: stored.tombstone,
    legacyKeys: stored.legacyKeys === true,
  };
}

/** What the item side knows of an item when its events are applied (the store's item hash). */
export interface ItemFacts {
  /** The item's hash as of the last flush (empty when unknown). */
  stored: StoredHash;
  /** Offset applied to the item per source, as its guard holds it. */
  appliedOffset: bigint;
}

export interface EventToApply {
  plan: UpdatePlan;
  /** Source offset of the event (its partition is the flush's). */
  offset: bigint;
  /** When the collector accepted it (an erasure covers what it received before). */
  receivedAtMs: number;
}

export type EventOutcome =
  | { status: 'applied'; unknownItem: boolean; snapshot?: FeatureSnapshot }
  | { status: 'already_applied' }
  | { status: 'duplicate' }
  | { status: 'erased' };

export interface ApplyContext {
  /** `<topic>:<partition>` of the events; also the shard of shared aggregates it writes. */
  source: string;
  /** Offset of the shard's writes already applied (events at or below it are not counted again). */
  shardAppliedOffset: bigint;
  /** Start of the data-quality window the flush counts into (none: nothing is counted). */
  qualityWindowStartMs: number | undefined;
  /** Wall-clock time of the flush (TTL refreshes). */
  nowMs: number;
  /** How long a user's keys live after the user's last event (FEATURE_USER_TTL_SECONDS). */
  userTtlSeconds: number;
  items: ReadonlyMap<string, ItemFacts>;
  writes: FlushWrites;
  /** Negative item ids for a labelled event (sampled; the snapshot reads their hashes). */
  negativesFor: (excluded: ReadonlySet<string>) => string[];
  /** Stored hash of a negative item (empty when unknown). */
  itemHash: (itemId: string) => StoredHash;
}

/**
 * Applies one event to the user's state (in place) and records the writes it causes. Events at or
 * below the user's applied offset are skipped (a replay), as are client re-posts of a recent event id
 * and events of the user's erased history.
 */
export function applyEvent(
  state: UserState,
  event: EventToApply,
  context: ApplyContext,
): EventOutcome {
  const applied = state.guard.offsets[context.source];
  if (applied !== undefined && event.offset <= BigInt(applied))
    return { status: 'already_applied' };
  state.guard.offsets[context.source] = event.offset.toString();
  // Erased history writes nothing of the user, not even the guard (its key names the user); a replay
  // of it is skipped again by the tombstone.
  if (isErased(state, event, context.writes)) return { status: 'erased' };
  // The group carries the guard (the flush's compare-and-set), even when the event changes nothing else.
  const user = context.writes.user(state.userKey);
  if (!rememberEventId(state, event.plan.eventId)) {
    countShard(context, event, { field: 'duplicate' });
    return { status: 'duplicate' };
  }
  const snapshot = event.plan.snapshot ? snapshotOf(state, event.plan, context) : undefined;
  updateUser({ state, user, event, context });
  let unknownItem = false;
  for (const touch of event.plan.items) {
    if (!updateItem(event, touch, context)) unknownItem = true;
  }
  if (unknownItem) countShard(context, event, { field: 'unknown_item' });
  return snapshot === undefined
    ? { status: 'applied', unknownItem }
    : { status: 'applied', unknownItem, snapshot };
}

/** Adds to a data-quality count of the flush's window, unless the shard already counted the event. */
export function countShard(
  context: ApplyContext,
  event: { offset: bigint },
  count: { field: string; by?: number },
): void {
  const { field, by = 1 } = count;
  if (event.offset <= context.shardAppliedOffset || context.qualityWindowStartMs === undefined)
    return;
  const window = String(context.qualityWindowStartMs);
  context.writes
    .shard(context.source)
    .increment({ family: 'quality', qualifier: window }, field, by)
    .expire({ family: 'quality', qualifier: window }, featureRetention.qualityWindowSeconds);
}

/**
 * An erased user's event is skipped when it happened or was received at or before the erasure; after
 * it, while the refusal of personalisation carried by the tombstone (or stated since) stands. An event
 * stating consent updates what the tombstone carries.
 */
function isErased(state: UserState, event: EventToApply, writes: FlushWrites): boolean {
  const tombstone = state.tombstone;
  if (tombstone === undefined) return false;
  const { plan } = event;
  if (plan.timestampMs <= tombstone.erasedAtMs || event.receivedAtMs <= tombstone.erasedAtMs)
    return true;
  if (plan.personalization !== undefined && !plan.personalization !== tombstone.optedOut) {
    tombstone.optedOut = !plan.personalization;
    writes.tombstoneConsent.set(state.userKey, tombstone.optedOut);
  }
  // A history begun after the erasure keeps the refusal too, so the scorer stops personalising.
  // (The user's group is what has the packed state written at the flush.)
  if (tombstone.optedOut && Object.keys(state.profile).length > 0) {
    writes.user(state.userKey);
    setProfile({ state }, 'optout', '1');
  }
  return tombstone.optedOut;
}

/** False when the event id is among the user's recent ones (a client re-post). */
function rememberEventId(state: UserState, eventId: string): boolean {
  const hash = createHash('md5').update(eventId).digest('hex').slice(0, 12);
  const recent = state.guard.recentEvents;
  if (recent.includes(hash)) return false;
  recent.unshift(hash);
  if (recent.length > stateLimits.dedupeWindowEvents)
    recent.length = stateLimits.dedupeWindowEvents;
  return true;
}

/** `yyyymmdd` of a UTC instant (the popularity-of-day key's qualifier). */
export function utcDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}
