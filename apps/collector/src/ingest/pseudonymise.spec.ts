import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StorefrontEvent } from '@recsys/contracts';
import { pseudonymiseUserId } from '@recsys/features';
import {
  TOO_DEEP_MARKER,
  pseudonymiseEvent,
  pseudonymiseUserIds,
  pseudonymiserFor,
} from './pseudonymise';

const SECRET = 'unit-test-pseudonymisation-secret';
const pseudonymise = pseudonymiserFor(SECRET);
const FIXTURES = join(__dirname, '../../../../libs/contracts/src/__fixtures__/valid');
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.v1.json`), 'utf8')) as StorefrontEvent;

describe('pseudonymiseEvent', () => {
  it('replaces the user id with its keyed pseudonym and keeps everything else', () => {
    const event = fixture('product-view');
    const result = pseudonymiseEvent(event, pseudonymise);
    expect(result).toEqual({ ...event, userId: pseudonymiseUserId(SECRET, 'u-1001') });
    expect(result.userId).toMatch(/^u_[0-9a-f]{32}$/);
    expect(event.userId).toBe('u-1001');
  });

  it('leaves an anonymous event as it is', () => {
    const event = fixture('page-view.anonymous');
    expect(pseudonymiseEvent(event, pseudonymise)).toBe(event);
  });
});

describe('pseudonymiseUserIds (dead letters)', () => {
  it('pseudonymises a string userId at any depth and keeps anonymousId', () => {
    const payload = {
      userId: 'u-1',
      anonymousId: 'anon-1',
      events: [{ userId: 'u-2', nested: { userId: 'u-3' } }],
    };
    expect(pseudonymiseUserIds(payload, pseudonymise)).toEqual({
      userId: pseudonymise('u-1'),
      anonymousId: 'anon-1',
      events: [{ userId: pseudonymise('u-2'), nested: { userId: pseudonymise('u-3') } }],
    });
  });

  it('drops a userId that is not a string: it cannot be pseudonymised reliably', () => {
    expect(pseudonymiseUserIds({ userId: { email: 'a@example.com' }, x: 1 }, pseudonymise)).toEqual(
      { x: 1 },
    );
    expect(pseudonymiseUserIds({ userId: 4711 }, pseudonymise)).toEqual({});
  });

  it('passes scalars through', () => {
    expect(pseudonymiseUserIds(42, pseudonymise)).toBe(42);
    expect(pseudonymiseUserIds(null, pseudonymise)).toBeNull();
  });

  it('cuts payloads nested deeper than it inspects instead of letting a user id through', () => {
    let deep: unknown = { userId: 'u-deep' };
    for (let level = 0; level < 40; level += 1) deep = [deep];
    const text = JSON.stringify(pseudonymiseUserIds(deep, pseudonymise));
    expect(text).not.toContain('u-deep');
    expect(text).toContain(TOO_DEEP_MARKER);
  });
});
