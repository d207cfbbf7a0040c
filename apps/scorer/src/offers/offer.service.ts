/**
 * Personalised offers: of the given shoppers, who gets a coupon under the budget. Each shopper's purchase
 * propensity comes from their features; the campaign's uplift model (propensity bucket → expected extra
 * purchase probability) is estimated from the campaign's own logged outcomes, shrunk towards a prior
 * while there are few; shoppers are chosen by expected incremental purchases per cost, and a stable
 * share is held out so the uplift stays measurable. Opted-out shoppers are never targeted.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { OfferRequestV1 } from '@recsys/contracts';
import { estimateUpliftModel, selectOfferRecipients, type OfferChoice } from '@recsys/experiments';
import { ExperimentStore, RedisRecommendationReader } from '@recsys/feature-store';
import { decodeUserFeatures } from '@recsys/features';
import { APP_CONFIG } from '@recsys/platform';
import type { ScorerConfig } from '../config';
import { userKeyOf } from '../recommendations/identity';
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
}

@Injectable()
export class OfferService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: ScorerConfig,
    private readonly reader: RedisRecommendationReader,
    private readonly store: ExperimentStore,
  ) {}

  async choose(request: OfferRequestV1): Promise<OfferAnswer> {
    const userIdByKey = new Map(
      request.userIds.map((userId) => [
        userKeyOf({ userId }, this.config.pseudonymisationSecret)!,
        userId,
      ]),
    );
    const { candidates, optedOut } = await this.propensities([...userIdByKey.keys()]);
    const counts = await this.store.readOfferCounts(request.campaignId);
    const selection = selectOfferRecipients({
      campaignId: request.campaignId,
      users: candidates,
      budget: request.budget,
      uplift: estimateUpliftModel({ outcomes: counts.buckets }),
      holdoutShare: request.holdoutShare,
    });
    await this.log(request.campaignId, selection.recipients, 'treatment');
    await this.log(request.campaignId, selection.holdout, 'holdout');
    const answer = (choice: OfferChoice): OfferDecision => ({
      userId: userIdByKey.get(choice.userKey) ?? choice.userKey,
      propensity: choice.propensity,
      uplift: choice.uplift,
      expectedCost: choice.expectedCost,
    });
    return {
      campaignId: request.campaignId,
      recipients: selection.recipients.map(answer),
      holdout: selection.holdout.map(answer),
      expectedIncrementalConversions: selection.expectedIncrementalConversions,
      expectedSpend: selection.expectedSpend,
      notPersuadable: selection.notPersuadable,
      optedOut,
    };
  }

  private async propensities(
    userKeys: string[],
  ): Promise<{ candidates: Array<{ userKey: string; propensity: number }>; optedOut: number }> {
    const candidates: Array<{ userKey: string; propensity: number }> = [];
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
        const propensity = purchasePropensity(decodeUserFeatures(stored, nowMs));
        candidates.push({ userKey: chunk[index]!, propensity });
      });
    }
    return { candidates, optedOut };
  }

  private async log(
    campaignId: string,
    choices: readonly OfferChoice[],
    group: 'treatment' | 'holdout',
  ): Promise<void> {
    const atMs = Date.now();
    for (const choice of choices) {
      await this.store.recordOfferDecision({
        campaignId,
        userKey: choice.userKey,
        group,
        propensityBucket: choice.bucket,
        atMs,
      });
    }
  }
}
