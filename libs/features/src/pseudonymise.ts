/**
 * Keyed pseudonymisation of the ids that name a shopper: the storefront user id, the anonymous (device)
 * id and the session id. A plain hash of an id is reversible by hashing candidate ids, so the collector
 * (and the scorer and console, to look a shopper up) use HMAC-SHA-256 with a secret from configuration.
 * The result is still personal data under GDPR (it links a person's events): treat it as such.
 *
 * Each kind of id has its own prefix and HMAC domain, so the same text used as a user id and as an
 * anonymous id gives two unrelated pseudonyms (nothing links them, and neither can pass for the other).
 * The user id keeps its original, domain-less form: every stored `u_…` key depends on it.
 */
import { createHmac } from 'node:crypto';

/** 32 hex characters (128 bits): collision-free in practice, short enough for Redis keys. */
const PSEUDONYM_HEX_LENGTH = 32;

function keyedHex(secret: string, text: string): string {
  return createHmac('sha256', secret)
    .update(text, 'utf8')
    .digest('hex')
    .slice(0, PSEUDONYM_HEX_LENGTH);
}

/** `u_` + 32 hex: the feature store's key of a logged-in shopper. */
export function pseudonymiseUserId(secret: string, userId: string): string {
  return `u_${keyedHex(secret, userId)}`;
}

/** `a_` + 32 hex: the feature store's key of an anonymous shopper (FORMAT.md `<userKey>`). */
export function pseudonymiseAnonymousId(secret: string, anonymousId: string): string {
  return `a_${keyedHex(secret, `anonymousId\u0000${anonymousId}`)}`;
}

/** `sess_` + 32 hex: compared for equality only (is this still the same session?). */
export function pseudonymiseSessionId(secret: string, sessionId: string): string {
  return `sess_${keyedHex(secret, `sessionId\u0000${sessionId}`)}`;
}
