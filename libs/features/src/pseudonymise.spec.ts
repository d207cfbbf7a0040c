import { pseudonymiseAnonymousId, pseudonymiseSessionId, pseudonymiseUserId } from './pseudonymise';

describe('pseudonymiseUserId', () => {
  it('is stable for the same secret and id', () => {
    expect(pseudonymiseUserId('s3cret', 'u-1001')).toBe(pseudonymiseUserId('s3cret', 'u-1001'));
    expect(pseudonymiseUserId('s3cret', 'u-1001')).toMatch(/^u_[0-9a-f]{32}$/);
  });

  it('differs between secrets, so a leaked table from one deployment maps nothing in another', () => {
    expect(pseudonymiseUserId('a', 'u-1001')).not.toBe(pseudonymiseUserId('b', 'u-1001'));
  });

  it('never contains the original id', () => {
    expect(pseudonymiseUserId('s3cret', 'alice@example.com')).not.toContain('alice');
  });
});

describe('pseudonymiseAnonymousId and pseudonymiseSessionId', () => {
  it('are stable, keyed and never contain the original id', () => {
    expect(pseudonymiseAnonymousId('s3cret', 'device-1')).toBe(
      pseudonymiseAnonymousId('s3cret', 'device-1'),
    );
    expect(pseudonymiseAnonymousId('s3cret', 'device-1')).toMatch(/^a_[0-9a-f]{32}$/);
    expect(pseudonymiseSessionId('s3cret', 'session-1')).toMatch(/^sess_[0-9a-f]{32}$/);
    expect(pseudonymiseAnonymousId('a', 'device-1')).not.toBe(
      pseudonymiseAnonymousId('b', 'device-1'),
    );
    expect(pseudonymiseAnonymousId('s3cret', 'device-1')).not.toContain('device');
    expect(pseudonymiseSessionId('s3cret', 'session-1')).not.toContain('session-1');
  });

  it('give the same text different pseudonyms as a user, anonymous or session id', () => {
    const hexOf = (pseudonym: string) => pseudonym.slice(pseudonym.indexOf('_') + 1);
    const asUser = pseudonymiseUserId('s3cret', 'same-text');
    const asAnonymous = pseudonymiseAnonymousId('s3cret', 'same-text');
    const asSession = pseudonymiseSessionId('s3cret', 'same-text');
    expect(new Set([asUser, asAnonymous, asSession].map(hexOf)).size).toBe(3);
  });
});
