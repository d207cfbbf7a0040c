/**
 * A user's own features as one value: profile, affinities, sequence and session items, packed into one
 * string key written once per flush (`SET … EX`), instead of five keys written field by field. The owner
 * holds the whole state in memory anyway, so writing it whole costs one command and a few arguments per
 * user, where field-wise writes cost a dozen commands and ~70 arguments per event; a reader gets it in one
 * round trip. Pure: no I/O.
 */
import { AppError } from '@recsys/contracts';
import { featureRetention } from './feature-spec';
import type { StoredUser } from './user-features';
import type { ApplyContext, UserState } from './user-state';
import type { FlushWrites } from './writes';

/** Bumped when the packed shape changes; readers refuse a format they do not know. */
export const PACKED_USER_FORMAT = 1;

/** What a user's packed value holds (`fs:v2:{u:<userKey>}:s`, FORMAT.md). */
export interface PackedUser extends StoredUser {
  /** The current session's items, most recent first (empty once they are older than a day). */
  sessionItems: string[];
}

interface PackedShape {
  v: number;
  /** Wall-clock ms of the write: the session items expire a day after it, as their own key did. */
  w: number;
  p: Record<string, string>;
  c: Record<string, string>;
  b: Record<string, string>;
  q: string[];
  si: string[];
}

export function packUser(
  user: Pick<UserState, 'profile' | 'categories' | 'brands' | 'sequence' | 'sessionItems'>,
  nowMs: number,
): string {
  const shape: PackedShape = {
    v: PACKED_USER_FORMAT,
    w: nowMs,
    p: user.profile,
    c: user.categories,
    b: user.brands,
    q: user.sequence,
    si: user.sessionItems,
  };
  return JSON.stringify(shape);
}

/** The user a packed value holds, as of `nowMs`; throws FEATURE_STATE_UNREADABLE on another format. */
export function unpackUser(packed: string, nowMs: number): PackedUser {
  const shape = parsePacked(packed);
  const sessionLive = nowMs - shape.w <= featureRetention.sessionItemsSeconds * 1_000;
  return {
    profile: shape.p,
    categoryAffinity: shape.c,
    brandAffinity: shape.b,
    sequence: shape.q,
    sessionItems: sessionLive ? shape.si : [],
  };
}

function parsePacked(packed: string): PackedShape {
  let shape: Partial<PackedShape> | undefined;
  try {
    shape = JSON.parse(packed) as Partial<PackedShape>;
  } catch (error) {
    throw unreadable('not JSON', error);
  }
  if (shape?.v !== PACKED_USER_FORMAT)
    throw unreadable(`format ${String(shape?.v)}, expected ${PACKED_USER_FORMAT}`);
  if (!hasEveryPart(shape)) throw unreadable('a part is missing');
  return shape;
}

function hasEveryPart(shape: Partial<PackedShape>): shape is PackedShape {
  const records = [shape.p, shape.c, shape.b].every(isRecord);
  return typeof shape.w === 'number' && records && [shape.q, shape.si].every(Array.isArray);
}

function isRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unreadable(reason: string, cause?: unknown): AppError {
  return new AppError(
    'FEATURE_STATE_UNREADABLE',
    `a user's packed features are unreadable: ${reason}`,
    {
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

/** The keys a user's packed state replaced (read once from a user not written since, then deleted). */
const REPLACED_FAMILIES = ['profile', 'categories', 'brands', 'sequence', 'sessionItems'] as const;

/**
 * Writes the packed state of every user the flush changed (once per user, whatever its number of
 * events), with the user's TTL; a user read from the replaced keys has them deleted in the same write.
 */
export function packUserStates(
  writes: FlushWrites,
  states: ReadonlyMap<string, UserState>,
  context: Pick<ApplyContext, 'nowMs' | 'userTtlSeconds'>,
): void {
  for (const [userKey, group] of writes.users) {
    const state = states.get(userKey);
    if (state === undefined || !(state.unsaved === true || state.legacyKeys)) continue;
    state.unsaved = false;
    group.setValue('state', packUser(state, context.nowMs)).expire('state', context.userTtlSeconds);
    if (!state.legacyKeys) continue;
    for (const family of REPLACED_FAMILIES) group.deleteKey(family);
    state.legacyKeys = false;
  }
}
