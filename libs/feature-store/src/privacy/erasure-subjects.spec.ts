import { ErasureSubjects } from './erasure-subjects';

describe('ErasureSubjects', () => {
  it('names a user by a stable keyed hash that depends on the secret', () => {
    const keyed = new ErasureSubjects('tombstone-secret-0123456789');
    const subject = keyed.subjectOf('u_0123');
    expect(subject).toMatch(/^s_[0-9a-f]{32}$/);
    expect(keyed.subjectOf('u_0123')).toBe(subject);
    expect(new ErasureSubjects('tombstone-secret-0123456789').subjectOf('u_0123')).toBe(subject);
    expect(new ErasureSubjects('another-secret-0123456789').subjectOf('u_0123')).not.toBe(subject);
    expect(keyed.subjectOf('u_0124')).not.toBe(subject);
    expect(subject).not.toContain('0123');
  });

  it('fingerprints the secret without revealing it, and tells keyed from unkeyed', () => {
    const keyed = new ErasureSubjects('tombstone-secret-0123456789');
    expect(keyed.keyed).toBe(true);
    expect(keyed.fingerprint()).toMatch(/^k:[0-9a-f]{16}$/);
    expect(keyed.fingerprint()).not.toBe(
      new ErasureSubjects('another-secret-0123456789').fingerprint(),
    );
    const unkeyed = new ErasureSubjects();
    expect(unkeyed.keyed).toBe(false);
    expect(unkeyed.fingerprint()).toMatch(/^u:/);
  });
});
