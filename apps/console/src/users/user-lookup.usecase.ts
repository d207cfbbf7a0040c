/**
 * Looks one shopper up: the features the store holds for them, the events the console saw lately, and
 * the scorer's current recommendations (fetched while the store is read).
 */
import { AppError, type UserLookupV1 } from '@recsys/contracts';
import type { FeatureStore } from '@recsys/feature-store';
import { pseudonymiseAnonymousId, pseudonymiseUserId } from '@recsys/features';
import type { RecentEvents } from '../live/recent-events';
import type { ScorerAnswer, ScorerClient } from './scorer-client';
import { recommendedItemIds, userLookupViewOf } from './user-lookup';

/**
 * The scorer is asked by the id a storefront sends, which it pseudonymises itself; a feature-store key
 * is already a pseudonym and would be pseudonymised again, naming nobody.
 */
const KEY_NOT_ASKABLE: ScorerAnswer = {
  status: 'error',
  error: {
    code: 'LOOKUP_BY_KEY',
    message:
      'recommendations are asked of the scorer by user or anonymous id, not by feature-store key',
    httpStatus: null,
  },
};

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
  /** The collector's pseudonymisation secret; without it only feature-store keys are looked up. */
  pseudonymisationSecret: string | undefined;
}

export class UserLookupUseCase {
  constructor(private readonly deps: UserLookupDependencies) {}

  async execute(request: UserLookupRequest): Promise<UserLookupV1> {
    const userKey = this.userKeyOf(request);
    const { store, recent } = this.deps;
    const [stored, recommendations] = await Promise.all([
      store.readUser(userKey),
      this.recommendationsFor(request),
    ]);
    // Titles for the recommendations too, in the same read as the recent items'.
    const items = await store.readItems([
      ...new Set([
        ...stored.sequence.slice(0, MAX_SEQUENCE_ITEMS),
        ...recommendedItemIds(recommendations),
      ]),
    ]);
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

  /** The scorer pseudonymises user and anonymous ids itself, exactly as the collector does. */
  private recommendationsFor(request: UserLookupRequest): Promise<ScorerAnswer> {
    if (request.kind === 'key') return Promise.resolve(KEY_NOT_ASKABLE);
    const anonymous = request.kind === 'anonymous';
    return this.deps.scorer.recommendationsFor({ id: request.id, anonymous, k: request.k });
  }

  private userKeyOf(request: UserLookupRequest): string {
    if (request.kind === 'key') return request.id;
    const secret = this.deps.pseudonymisationSecret;
    if (secret === undefined) {
      throw new AppError(
        'REQUEST_INVALID',
        'looking shoppers up by user or anonymous id needs CONSOLE_PSEUDONYMISATION_SECRET (both are stored pseudonymised); look up by feature-store key instead',
      );
    }
    return request.kind === 'user'
      ? pseudonymiseUserId(secret, request.id)
      : pseudonymiseAnonymousId(secret, request.id);
  }
}
