import type { StorefrontEvent } from '@recsys/contracts';
import { packUserStates, unpackUser } from './packed-user-state';
import { updatePlanOf } from './update-plan';
import {
  applyEvent,
  NOTHING_STORED,
  userStateOf,
  type ApplyContext,
  type EventToApply,
  type ItemFacts,
  type UserState,
} from './user-state';
import { FlushWrites } from './writes';

const T0 = Date.parse('2026-12-07T10:00:00Z');

function view(eventId: string, itemId: string, atMs = T0): StorefrontEvent {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: 'u_1',
    sessionId: 's',
    timestamp: new Date(atMs).toISOString(),
    itemId,
  };
}

const fresh = (): UserState => userStateOf('u_1', NOTHING_STORED);

function contextOf(items: Map<string, ItemFacts> = new Map()): ApplyContext {
  return {
    source: 'events.raw.v1:0',
    shardAppliedOffset: -1n,
    qualityWindowStartMs: 0,
    nowMs: T0,
    userTtlSeconds: 1_000,
    items,
    writes: new FlushWrites(),
    negativesFor: () => [],
    itemHash: () => ({}),
  };
}

const at = (event: StorefrontEvent, offset: number): EventToApply => ({
  plan: updatePlanOf(event),
  offset: BigInt(offset),
  receivedAtMs: T0,
});

describe('applyEvent', () => {
  it('compacts a flush: many events of one key become one write of the latest value', () => {
    const state = fresh();
    const context = contextOf();
    for (const [index, itemId] of ['a', 'b', 'a'].entries())
      applyEvent(state, at(view(`e${index}`, itemId, T0 + index), index), context);
    packUserStates(context.writes, new Map([['u_1', state]]), context);
    const user = context.writes.user('u_1');
    for (const replaced of ['profile', 'categories', 'sequence', 'sessionItems'])
      expect(user.keys.has(replaced)).toBe(false);
    const packed = unpackUser(user.keys.get('state')!.writes.value!, T0);
    expect(packed.profile['n:view']).toBe('3');
    expect(packed.profile['sess_n']).toBe('3');
    expect(packed.sequence).toEqual(['a', 'b', 'a']);
    const itemA = context.writes.item('a').keys.get('item')!.writes;
    expect(itemA.increments.get('n:view')).toBe(2);
    // a–b paired twice (b after a, then a after b), once per direction and event.
    expect(context.writes.item('a').keys.get('coVisitation')!.writes.memberIncrements).toEqual(
      new Map([['b', 2]]),
    );
    const popularity = context.writes.shard('events.raw.v1:0').keys.get('popularity')!.writes;
    expect(popularity.memberIncrements).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
  });

  it('skips events at or below the applied offset, and re-posts of a recent event id', () => {
    const state = fresh();
    state.guard.offsets['events.raw.v1:0'] = '5';
    const context = contextOf();
    expect(applyEvent(state, at(view('old', 'a'), 5), context).status).toBe('already_applied');
    expect(applyEvent(state, at(view('new', 'a'), 6), context).status).toBe('applied');
    expect(applyEvent(state, at(view('new', 'a'), 7), context).status).toBe('duplicate');
    expect(state.profile['n:view']).toBe('1');
    expect(state.guard.offsets['events.raw.v1:0']).toBe('7');
  });

  it('does not count an item or pair again for an event the item already counted', () => {
    const state = fresh();
    state.sessionItems = ['b'];
    state.profile['sess'] = updatePlanOf(view('x', 'a')).sessionId;
    const items = new Map<string, ItemFacts>([
      ['a', { stored: {}, appliedOffset: 10n }],
      ['b', { stored: {}, appliedOffset: -1n }],
    ]);
    const context = contextOf(items);
    applyEvent(state, at(view('e', 'a'), 10), context);
    expect(context.writes.item('a').keys.get('item')).toBeUndefined();
    expect(context.writes.item('a').keys.get('coVisitation')).toBeUndefined();
    expect(context.writes.item('b').keys.get('coVisitation')!.writes.memberIncrements).toEqual(
      new Map([['a', 1]]),
    );
  });

  it('writes nothing of an erased user’s old history, not even the guard', () => {
    const state = fresh();
    state.tombstone = { erasedAtMs: T0 + 1, optedOut: false };
    const context = contextOf();
    expect(applyEvent(state, at(view('e', 'a'), 1), context).status).toBe('erased');
    expect(context.writes.users.size).toBe(0);
    expect(context.writes.items.size).toBe(0);
  });

  it('captures the state before a labelled event for its training examples', () => {
    const state = fresh();
    const context = contextOf();
    applyEvent(state, at(view('e1', 'a'), 1), context);
    const outcome = applyEvent(state, at(view('e2', 'b'), 2), context);
    expect(outcome.status === 'applied' && outcome.snapshot?.user.profile['n:view']).toBe('1');
    expect(outcome.status === 'applied' && outcome.snapshot?.user.sequence).toEqual(['a']);
  });
});
