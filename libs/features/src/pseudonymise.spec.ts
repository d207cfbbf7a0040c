import { pseudonymiseUserId } from './pseudonymise';

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
