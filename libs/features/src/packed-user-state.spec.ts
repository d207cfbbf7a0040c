import { AppError } from '@recsys/contracts';
import { featureRetention } from './feature-spec';
import { packUser, packUserStates, unpackUser, PACKED_USER_FORMAT } from './packed-user-state';
import { NOTHING_STORED, userStateOf } from './user-state';
import { FlushWrites } from './writes';

const T0 = Date.parse('2026-12-07T10:00:00Z');

function someUser() {
  const state = userStateOf('u_1', NOTHING_STORED);
  state.profile = { 'n:view': '3', sess: 'sess_1', optout: '0' };
  state.categories = { 'Shoes > Trail': '4' };
  state.brands = { Acme: '1' };
  state.sequence = ['b', 'a'];
  state.sessionItems = ['b', 'a'];
  return state;
}

describe('packed user state', () => {
  it('reads back exactly what was packed', () => {
    const state = someUser();
    expect(unpackUser(packUser(state, T0), T0 + 1_000)).toEqual({
      profile: state.profile,
      categoryAffinity: state.categories,
      brandAffinity: state.brands,
      sequence: state.sequence,
      sessionItems: state.sessionItems,
    });
  });

  it('forgets the session items a day after the write, as their own key expired', () => {
    const packed = packUser(someUser(), T0);
    const day = featureRetention.sessionItemsSeconds * 1_000;
    expect(unpackUser(packed, T0 + day).sessionItems).toEqual(['b', 'a']);
    const later = unpackUser(packed, T0 + day + 1);
    expect(later.sessionItems).toEqual([]);
    expect(later.sequence).toEqual(['b', 'a']);
  });

  it.each([
    ['not JSON', '{"v":1,'],
    ['another format', JSON.stringify({ v: PACKED_USER_FORMAT + 1 })],
    ['a missing part', JSON.stringify({ v: PACKED_USER_FORMAT, w: T0, p: {}, c: {}, b: {} })],
  ])('refuses %s with a stable, non-retriable code', (_, packed) => {
    const error = (() => {
      try {
        unpackUser(packed, T0);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'FEATURE_STATE_UNREADABLE', retriable: false });
  });

  it('writes each changed user once, with its TTL, and deletes the keys it replaced once', () => {
    const migrated = { ...someUser(), userKey: 'u_old', legacyKeys: true };
    const current = { ...someUser(), unsaved: true };
    const unchanged = { ...someUser(), userKey: 'u_same' };
    const writes = new FlushWrites();
    for (const userKey of ['u_1', 'u_old', 'u_same']) writes.user(userKey);
    const states = new Map([
      ['u_1', current],
      ['u_old', migrated],
      ['u_same', unchanged],
    ]);
    packUserStates(writes, states, { nowMs: T0, userTtlSeconds: 60 });
    const written = writes.user('u_1').keys.get('state')!.writes;
    expect(written.value).toBe(packUser(current, T0));
    expect(written.expireSeconds).toBe(60);
    expect([...writes.user('u_1').keys.keys()]).toEqual(['state']);
    const old = writes.user('u_old').keys;
    expect([...old.keys()].sort()).toEqual(
      ['brands', 'categories', 'profile', 'sequence', 'sessionItems', 'state'].sort(),
    );
    expect(old.get('profile')!.writes.deleteKey).toBe(true);
    expect(migrated.legacyKeys).toBe(false);
    // A re-post changes nothing of the user: its packed state is not written again.
    expect(writes.user('u_same').keys.size).toBe(0);
    expect(current.unsaved).toBe(false);
  });
});
