/**
 * Erasure subjects: the name a tombstone gives a user. A tombstone must outlive the user's data (it is
 * what keeps replays from restoring it), so it should not itself be a readable list of who asked to be
 * erased: the subject is an HMAC-SHA-256 of the user key under `PRIVACY_TOMBSTONE_SECRET`, which only
 * the services that check tombstones hold. Without a secret the HMAC runs under a public label — an
 * unkeyed hash, acceptable for development only. Every service must use the same secret; the key check
 * in Redis (see ErasureStore.verifySecret) refuses a service configured differently.
 */
import { createHmac } from 'node:crypto';

const UNKEYED_LABEL = 'recsys-unkeyed-erasure-subjects';
const SUBJECT_HEX_LENGTH = 32;
/** Memoised user keys per instance; cleared when full (a window holds ~100k users). */
const MEMO_LIMIT = 200_000;

export class ErasureSubjects {
  /** False when no secret was configured (an unkeyed hash). */
  readonly keyed: boolean;
  private readonly key: string;
  private readonly memo = new Map<string, string>();

  /** @param secret PRIVACY_TOMBSTONE_SECRET; undefined = unkeyed (development). */
  constructor(secret?: string) {
    this.key = secret ?? UNKEYED_LABEL;
    this.keyed = secret !== undefined;
  }

  /** `s_` + 32 hex of HMAC-SHA-256(secret, "subject\0" + userKey). */
  subjectOf(userKey: string): string {
    const known = this.memo.get(userKey);
    if (known !== undefined) return known;
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    const subject = `s_${this.hmac(`subject\u0000${userKey}`).slice(0, SUBJECT_HEX_LENGTH)}`;
    this.memo.set(userKey, subject);
    return subject;
  }

  /** Identifies the secret without revealing it (stored in Redis to detect a mismatch). */
  fingerprint(): string {
    return `${this.keyed ? 'k' : 'u'}:${this.hmac('fingerprint').slice(0, 16)}`;
  }

  private hmac(text: string): string {
    return createHmac('sha256', this.key).update(text, 'utf8').digest('hex');
  }
}
