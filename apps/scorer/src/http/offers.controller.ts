/**
 * `POST /v1/offers`: which of the given shoppers get a coupon under the budget (see OfferService), and
 * `GET /v1/offers/{campaignId}`: the campaign's outcomes, treatment against holdout, per propensity bucket.
 * Choosing recipients reads personal features and records decisions, so it needs the admin token.
 */
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { offerRequestV1Schema } from '@recsys/contracts';
import { compareProportions, twoSidedZ } from '@recsys/experiments';
import { ExperimentStore } from '@recsys/feature-store';
import { AdminGuard, parseRequest } from '@recsys/platform';
import { OfferService, type OfferAnswer } from '../offers/offer.service';

@Controller('v1/offers')
export class OffersController {
  constructor(
    private readonly offers: OfferService,
    private readonly store: ExperimentStore,
  ) {}

  @Post()
  @HttpCode(200)
  @UseGuards(AdminGuard)
  async choose(@Body() body: unknown): Promise<OfferAnswer> {
    return this.offers.choose(parseRequest(offerRequestV1Schema, body, 'offer request'));
  }

  @Get(':campaignId')
  async outcomes(@Param('campaignId') campaignId: string) {
    const id = parseRequest(offerRequestV1Schema.shape.campaignId, campaignId, 'campaign id');
    const counts = await this.store.readOfferCounts(id);
    const { treatment, holdout } = counts.groups;
    return {
      ...counts,
      uplift: compareProportions(
        { successes: holdout.convertedUsers, trials: holdout.users },
        { successes: treatment.convertedUsers, trials: treatment.users },
        twoSidedZ(0.05),
      ),
    };
  }
}
