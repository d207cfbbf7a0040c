import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StorefrontEvent } from '@recsys/contracts';
import {
  pseudonymiseAnonymousId,
  pseudonymiseSessionId,
  pseudonymiseUserId,
} from '@recsys/features';
import {
  TOO_DEEP_MARKER,
  onceEach,
  pseudonymiseEvent,
  pseudonymiseIds,
  pseudonymiserFor,
} from './pseudonymise';

const SECRET = 'unit-test-pseudonymisation-secret';
const pseudonymise = pseudonymiserFor(SECRET);
const FIXTURES = join(__dirname, '../../../../libs/contracts/src/__fixtures__/valid');
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.v1.json`), 'utf8')) as StorefrontEvent;

describe('pseudonymiseEvent', () => {
  it('replaces the user and session ids with their keyed pseudonyms and keeps everything else', () => {
    const event = fixture('product-view');
    const result = pseudonymiseEvent(event, pseudonymise);
    expect(result).toEqual({
      ...event,
      userId: pseudonymiseUserId(SECRET, 'u-1001'),
      sessionId: pseudonymiseSessionId(SECRET, event.sessionId),
    });
    expect(result.userId).toMatch(/^u_[0-9a-f]{32}$/);
    expect(event.userId).toBe('u-1001');
  });

  it('pseudonymises the anonymous id of an anonymous event (a device id links every visit)', () => {
    const event = fixture('page-view.anonymous');
    const result = pseudonymiseEvent(event, pseudonymise);
    expect(result.anonymousId).toBe(pseudonymiseAnonymousId(SECRET, event.anonymousId!));
    expect(result.anonymousId).toMatch(/^a_[0-9a-f]{32}$/);
    expect(result.sessionId).toBe(pseudonymiseSessionId(SECRET, event.sessionId));
    expect(JSON.stringify(result)).not.toContain(event.anonymousId);
    expect(JSON.stringify(result)).not.toContain(event.sessionId);
  });
});

describe('onceEach', () => {
  it('computes each id once and gives the same pseudonyms', () => {
    const calls: string[] = [];
    const once = onceEach({
      userId: (id) => (calls.push(id), pseudonymise.userId(id)),
      anonymousId: (id) => (calls.push(id), pseudonymise.anonymousId(id)),
      sessionId: (id) => (calls.push(id), pseudonymise.sessionId(id)),
    });
    for (const id of ['a', 'b', 'a', 'a']) expect(once.userId(id)).toBe(pseudonymise.userId(id));
    expect(once.sessionId('a')).toBe(pseudonymise.sessionId('a'));
    expect(once.anonymousId('a')).toBe(pseudonymise.anonymousId('a'));
    expect(calls).toEqual(['a', 'b', 'a', 'a']);
  });
});

describe('pseudonymiseIds (dead letters)', () => {
  it('pseudonymises string user, anonymous and session ids at any depth', () => {
    const payload = {
      userId: 'u-1',
      anonymousId: 'anon-1',
      sessionId: 'session-1',
      events: [{ userId: 'u-2', nested: { anonymousId: 'anon-3', sessionId: 'session-3' } }],
    };
    expect(pseudonymiseIds(payload, pseudonymise)).toEqual({
      userId: pseudonymise.userId('u-1'),
      anonymousId: pseudonymise.anonymousId('anon-1'),
      sessionId: pseudonymise.sessionId('session-1'),
      events: [
        {
          userId: pseudonymise.userId('u-2'),
          nested: {
            anonymousId: pseudonymise.anonymousId('anon-3'),
            sessionId: pseudonymise.sessionId('session-3'),
          },
        },
      ],
    });
  });

  it('drops an id that is not a string: it cannot be pseudonymised reliably', () => {
    expect(pseudonymiseIds({ userId: { email: 'a@example.com' }, x: 1 }, pseudonymise)).toEqual({
      x: 1,
    });
    expect(
      pseudonymiseIds({ userId: 4711, anonymousId: ['d-1'], sessionId: 7 }, pseudonymise),
    ).toEqual({});
  });

  it('passes scalars through', () => {
    expect(pseudonymiseIds(42, pseudonymise)).toBe(42);
    expect(pseudonymiseIds(null, pseudonymise)).toBeNull();
  });

  it('cuts payloads nested deeper than it inspects instead of letting a user id through', () => {
    let deep: unknown = { userId: 'u-deep', anonymousId: 'anon-deep' };
    for (let level = 0; level < 40; level += 1) deep = [deep];
    const text = JSON.stringify(pseudonymiseIds(deep, pseudonymise));
    expect(text).not.toContain('u-deep');
    expect(text).not.toContain('anon-deep');
    expect(text).toContain(TOO_DEEP_MARKER);
  });
});
