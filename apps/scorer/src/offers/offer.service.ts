/**
 * Personalised offers: of the given shoppers, who gets a coupon under the budget. Each shopper's purchase
 * propensity comes from their features; the campaign's uplift model (propensity bucket → expected extra
 * purchase probability) is estimated from the campaign's own logged outcomes, shrunk towards a prior
 * while there are few; shoppers are chosen by expected incremental purchases per cost, and a stable
 * share is held out so the uplift stays measurable. Opted-out shoppers are never targeted, and erased
 * shoppers are never listed (see erased-shoppers.ts): neither before their decision is logged nor when
 * the erasure lands while the request runs (the decision's log refuses them, and they are dropped).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { OfferRequestV1 } from '@recsys/contracts';
import { estimateUpliftModel, selectOfferRecipients, type OfferChoice } from '@recsys/experiments';
import {
  ErasureStore,
  ErasureSubjects,
  ExperimentStore,
  RedisConnection,
  RedisRecommendationReader,
} from '@recsys/feature-store';
import { decodeUserFeatures } from '@recsys/features';
import { APP_CONFIG } from '@recsys/platform';
import type { ScorerConfig } from '../config';
import { userKeyOf } from '../recommendations/identity';
import { erasedShoppersOf, type ShopperHistory } from './erased-shoppers';
import { purchasePropensity } from './propensity';

/** Users read from Redis at once (each read is one pipeline). */
const READ_CONCURRENCY = 32;

export interface OfferDecision {
  userId: string;
  propensity: number;
  uplift: number;
  expectedCost: number;
}

export interface OfferAnswer {
  campaignId: string;
  recipients: OfferDecision[];
  holdout: OfferDecision[];
  expectedIncrementalConversions: number;
  expectedSpend: number;
  notPersuadable: number;
  /** Users not considered because they refused personalisation. */
  optedOut: number;
  /** Users not considered because they were erased (and have no history since). */
  erased: number;
}

interface Candidates {
  candidates: Array<{ userKey: string; propensity: number }>;
  optedOut: number;
  erased: number;
}

@Injectable()
export class OfferService {
  private readonly erasures: ErasureStore;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScorerConfig,
    private readonly reader: RedisRecommendationReader,
    private readonly store: ExperimentStore,
    redis: RedisConnection,
  ) {
    this.erasures = new ErasureStore(redis, new ErasureSubjects(config.tombstoneSecret));
  }

  async choose(request: OfferRequestV1): Promise<OfferAnswer> {
    const userIdByKey = new Map(
      request.userIds.map((userId) => [
        userKeyOf({ userId }, this.config.pseudonymisationSecret)!,
        userId,
      ]),
    );
    // Decisions are logged at the time the features were read: an erasure after that refuses them.
    const readAtMs = Date.now();
    const { candidates, optedOut, erased } = await this.candidates([...userIdByKey.keys()]);
    const counts = await this.store.readOfferCounts(request.campaignId);
    const selection = selectOfferRecipients({
      campaignId: request.campaignId,
      users: candidates,
      budget: request.budget,
      uplift: estimateUpliftModel({ outcomes: counts.buckets }),
      holdoutShare: request.holdoutShare,
    });
    const logged = { campaignId: request.campaignId, atMs: readAtMs };
    const refused = new Set([
      ...(await this.log(logged, selection.recipients, 'treatment')),
      ...(await this.log(logged, selection.holdout, 'holdout')),
    ]);
    const answer = (choice: OfferChoice): OfferDecision => ({
      userId: userIdByKey.get(choice.userKey) ?? choice.userKey,
      propensity: choice.propensity,
      uplift: choice.uplift,
      expectedCost: choice.expectedCost,
    });
    const listed = (choices: readonly OfferChoice[]) =>
      choices.filter((choice) => !refused.has(choice.userKey)).map(answer);
    return {
      campaignId: request.campaignId,
      recipients: listed(selection.recipients),
      holdout: listed(selection.holdout),
      expectedIncrementalConversions: selection.expectedIncrementalConversions,
      expectedSpend: selection.expectedSpend,
      notPersuadable: selection.notPersuadable,
      optedOut,
      erased: erased + refused.size,
    };
  }

  /** Shoppers who may be offered a coupon, with their propensity; opted-out and erased ones counted. */
  private async candidates(userKeys: string[]): Promise<Candidates> {
    const histories: Array<ShopperHistory & { propensity: number }> = [];
    let optedOut = 0;
    const nowMs = Date.now();
    for (let start = 0; start < userKeys.length; start += READ_CONCURRENCY) {
      const chunk = userKeys.slice(start, start + READ_CONCURRENCY);
      const users = await Promise.all(chunk.map((userKey) => this.reader.readUser(userKey)));
      users.forEach((stored, index) => {
        if (stored.profile['optout'] === '1') {
          optedOut += 1;
          return;
        }
        const features = decodeUserFeatures(stored, nowMs);
        const userKey = chunk[index]!;
        histories.push({
          userKey,
          firstSeenMs: features.firstSeenMs,
          propensity: purchasePropensity(features),
        });
      });
    }
    const erased = await erasedShoppersOf(this.erasures, histories);
    const candidates = histories
      .filter((history) => !erased.has(history.userKey))
      .map(({ userKey, propensity }) => ({ userKey, propensity }));
    return { candidates, optedOut, erased: erased.size };
  }

  /** Logs the decisions; returns the users whose decision was refused because they were erased. */
  private async log(
    decided: { campaignId: string; atMs: number },
    choices: readonly OfferChoice[],
    group: 'treatment' | 'holdout',
  ): Promise<string[]> {
    const refused: string[] = [];
    for (const choice of choices) {
      const outcome = await this.store.recordOfferDecision({
        campaignId: decided.campaignId,
        userKey: choice.userKey,
        group,
        propensityBucket: choice.bucket,
        atMs: decided.atMs,
      });
      if (outcome.status === 'erased') refused.push(choice.userKey);
    }
    return refused;
  }
}
