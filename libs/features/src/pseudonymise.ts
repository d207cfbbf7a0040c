/**
 * Keyed pseudonymisation of user ids. A plain hash of an id is reversible by hashing candidate ids, so
 * the collector (and the scorer, to look a user up) use HMAC-SHA-256 with a secret from configuration.
 * The result is still personal data under GDPR (it links a person's events): treat it as such.
 */
import { createHmac } from 'node:crypto';

/** 32 hex characters (128 bits): collision-free in practice, short enough for Redis keys. */
const PSEUDONYM_HEX_LENGTH = 32;

export function pseudonymiseUserId(secret: string, userId: string): string {
  return `u_${createHmac('sha256', secret).update(userId, 'utf8').digest('hex').slice(0, PSEUDONYM_HEX_LENGTH)}`;
}
