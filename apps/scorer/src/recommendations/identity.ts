/**
 * Who a request is for, as the feature store knows them: a storefront user id or an anonymous id becomes
 * the collector's keyed pseudonym (the same HMAC and domain), so an anonymous request finds the features
 * the preprocessor wrote under the pseudonym the collector put on the shopper's events.
 */
import {
  pseudonymiseAnonymousId,
  pseudonymiseSessionId,
  pseudonymiseUserId,
} from '@recsys/features';

export interface RequestIdentity {
  userId?: string;
  anonymousId?: string;
}

export function userKeyOf(identity: RequestIdentity, secret: string): string | undefined {
  if (identity.userId !== undefined) return pseudonymiseUserId(secret, identity.userId);
  if (identity.anonymousId !== undefined)
    return pseudonymiseAnonymousId(secret, identity.anonymousId);
  return undefined;
}

/** The session id the scorer's impressions carry: the collector's pseudonym, like the shopper's events. */
export function sessionKeyOf(sessionId: string, secret: string): string {
  return pseudonymiseSessionId(secret, sessionId);
}
