/**
 * Looks one shopper up: the features the store holds for them, the events the console saw lately, and
 * the scorer's current recommendations (fetched while the store is read).
 */
import { AppError, type UserLookupV1 } from '@recsys/contracts';
import type { FeatureStore } from '@recsys/feature-store';
import { pseudonymiseUserId } from '@recsys/features';
import type { RecentEvents } from '../live/recent-events';
import type { ScorerClient } from './scorer-client';
import { userLookupViewOf } from './user-lookup';

export interface UserLookupRequest {
  id: string;
  kind: UserLookupV1['query']['kind'];
  k: number;
}

/** The sequence is at most 50 items (FORMAT.md): all of them get their catalogue data. */
const MAX_SEQUENCE_ITEMS = 50;

export interface UserLookupDependencies {
  store: Pick<FeatureStore, 'readUser' | 'readItems'>;
  recent: Pick<RecentEvents, 'of'>;
  scorer: Pick<ScorerClient, 'recommendationsFor'>;
  /** The collector's pseudonymisation secret; without it only keys and anonymous ids are looked up. */
  pseudonymisationSecret: string | undefined;
}

export class UserLookupUseCase {
  constructor(private readonly deps: UserLookupDependencies) {}

  async execute(request: UserLookupRequest): Promise<UserLookupV1> {
    const userKey = this.userKeyOf(request);
    const asked = request.kind === 'user';
    const { store, scorer, recent } = this.deps;
    const [stored, recommendations] = await Promise.all([
      store.readUser(userKey),
      // The scorer pseudonymises storefront ids itself; a key or anonymous id it takes as it is.
      scorer.recommendationsFor({
        id: asked ? request.id : userKey,
        anonymous: !asked,
        k: request.k,
      }),
    ]);
    const items = await store.readItems(stored.sequence.slice(0, MAX_SEQUENCE_ITEMS));
    const nowMs = Date.now();
    return userLookupViewOf({
      query: { id: request.id, kind: request.kind },
      userKey,
      stored,
      items,
      recentEvents: recent.of(userKey, nowMs),
      recommendations,
      nowMs,
    });
  }

  private userKeyOf(request: UserLookupRequest): string {
    if (request.kind !== 'user') return request.id;
    const secret = this.deps.pseudonymisationSecret;
    if (secret === undefined) {
      throw new AppError(
        'REQUEST_INVALID',
        'looking shoppers up by storefront user id needs CONSOLE_PSEUDONYMISATION_SECRET; look up by anonymous id or feature-store key instead',
      );
    }
    return pseudonymiseUserId(secret, request.id);
  }
}
