/**
 * `GET /v1/recommendations/{userId}` (top-K for a shopper) and `POST /v1/rank` (personalised order of a
 * given list, e.g. search results). Both answer with the `recommendation_response` shape plus whether the
 * answer was degraded (served in the candidate sources' order because the model was late or failed).
 */
import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  idSchema,
  rankRequestV1Schema,
  recommendationQueryV1Schema,
  type RecommendationQueryV1,
} from '@recsys/contracts';
import { AdminGuard, parseRequest } from '@recsys/platform';
import type { RequestContext } from '@recsys/recommendation';
import {
  RecommendationService,
  type ServeRequest,
  type ServedResponse,
} from '../recommendations/recommendation.service';

function contextOf(query: RecommendationQueryV1): RequestContext {
  const client = {
    ...(query.device === undefined ? {} : { device: { type: query.device } }),
    ...(query.timeZone === undefined ? {} : { timeZone: query.timeZone }),
  };
  return {
    ...(query.items === undefined ? {} : { itemIds: query.items }),
    ...(query.category === undefined
      ? {}
      : {
          categoryPath: query.category
            .split('>')
            .map((level) => level.trim())
            .filter(Boolean),
        }),
    ...(Object.keys(client).length === 0 ? {} : { client }),
  };
}

function serveRequestOf(userId: string, rawQuery: Record<string, unknown>): ServeRequest {
  const id = parseRequest(idSchema, userId, 'user id');
  const query = parseRequest(recommendationQueryV1Schema, rawQuery, 'query');
  return {
    ...(query.anonymous ? { anonymousId: id } : { userId: id }),
    k: query.k,
    context: contextOf(query),
    ...(query.exclude === undefined ? {} : { exclude: query.exclude }),
    ...(query.placement === undefined ? {} : { placement: query.placement }),
    ...(query.personalization === undefined ? {} : { personalization: query.personalization }),
    ...(query.sessionId === undefined ? {} : { sessionId: query.sessionId }),
    ...(query.requestId === undefined ? {} : { requestId: query.requestId }),
  };
}

@Controller('v1')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationService) {}

  @Get('recommendations/:userId')
  async recommend(
    @Param('userId') userId: string,
    @Query() rawQuery: Record<string, unknown>,
  ): Promise<ServedResponse> {
    return this.recommendations.recommend(serveRequestOf(userId, rawQuery));
  }

  /** The same answer for an operator (admin): logged as no impression and counted nowhere. */
  @Get('recommendations/:userId/preview')
  @UseGuards(AdminGuard)
  async preview(
    @Param('userId') userId: string,
    @Query() rawQuery: Record<string, unknown>,
  ): Promise<ServedResponse> {
    return this.recommendations.recommend({ ...serveRequestOf(userId, rawQuery), preview: true });
  }

  @Post('rank')
  @HttpCode(200)
  async rank(@Body() body: unknown): Promise<ServedResponse> {
    const request = parseRequest(rankRequestV1Schema, body, 'rank request');
    const { context, ...rest } = request;
    return this.recommendations.rerank({
      ...rest,
      ...(context === undefined ? {} : { context: { client: context } }),
    });
  }
}
