/**
 * Who a request is for, as the feature store knows them: a storefront user id becomes the collector's
 * keyed pseudonym (the same HMAC), an anonymous id is used as it is (it is what the collector keeps).
 */
import { pseudonymiseUserId } from '@recsys/features';

export interface RequestIdentity {
  userId?: string;
  anonymousId?: string;
}

export function userKeyOf(identity: RequestIdentity, secret: string): string | undefined {
  if (identity.userId !== undefined) return pseudonymiseUserId(secret, identity.userId);
  return identity.anonymousId;
}
