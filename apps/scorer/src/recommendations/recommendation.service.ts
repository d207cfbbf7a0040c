/**
 * Serving one recommendation or re-ranking request: identity → consent → experiment arm → the arm's
 * ranker → the recommendation pipeline (libs/recommendation) → the response, logged as an impression.
 * HTTP and Kafka requests both come through here, so they behave the same.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RecommendationResponseV1 } from '@recsys/contracts';
import { RedisRecommendationReader } from '@recsys/feature-store';
import { KafkaPublisher } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import {
  recommend,
  recommendationSettingsOf,
  withItemCache,
  type RecommendationReader,
  rerank,
  type RecommendResult,
  type RecommendationSettings,
  type RequestContext,
  type RerankResult,
} from '@recsys/recommendation';
import type { ScorerConfig } from '../config';
import { assignmentFor, type ArmAssignment } from '../experiments/arm-selection';
import { ExperimentsCache } from '../experiments/experiments.cache';
import { ModelCache } from '../models/model-cache';
import { ScorerMetrics } from '../scorer.metrics';
import { userKeyOf, type RequestIdentity } from './identity';
import { impressionEventOf } from './impression-event';

export interface ServeRequest extends RequestIdentity {
  k: number;
  requestId?: string;
  sessionId?: string;
  placement?: string;
  /** The storefront's consent flag for this request; the stored opt-out wins when it says no. */
  personalization?: boolean;
  context?: RequestContext;
  exclude?: readonly string[];
}

export interface RerankServeRequest extends RequestIdentity {
  itemIds: readonly string[];
  requestId?: string;
  sessionId?: string;
  placement?: string;
  personalization?: boolean;
  context?: Pick<RequestContext, 'client'>;
}

export type ServedResponse = RecommendationResponseV1 & {
  /** Served in the candidate sources' order because the model failed or missed its deadline. */
  degraded: boolean;
  degradedReason?: string;
  candidatesConsidered?: number;
  /** Where the time went inside the scorer, in ms (identity, reads, ranking). */
  timings?: Record<string, number>;
};

@Injectable()
export class RecommendationService {
  private readonly logger = new Logger('recommendations');
  private readonly settings: RecommendationSettings;
  /** The store reads of the pipeline, item hashes cached briefly (see SCORER_ITEM_CACHE_MS). */
  private readonly pipelineReader: RecommendationReader;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScorerConfig,
    private readonly reader: RedisRecommendationReader,
    private readonly models: ModelCache,
    private readonly experiments: ExperimentsCache,
    private readonly publisher: KafkaPublisher,
    private readonly metrics: ScorerMetrics,
  ) {
    this.settings = recommendationSettingsOf(config.recommendation);
    this.pipelineReader = withItemCache(reader, { ttlMs: config.itemCacheMs });
  }

  async recommend(request: ServeRequest): Promise<ServedResponse> {
    const started = performance.now();
    const who = await this.resolve(request);
    const result = await recommend(
      {
        ...(who.userKey === undefined ? {} : { userKey: who.userKey }),
        k: request.k,
        personalization: who.personalization,
        seed: who.requestId,
        ...(request.context === undefined ? {} : { context: request.context }),
        ...(request.exclude === undefined ? {} : { exclude: request.exclude }),
      },
      { reader: this.pipelineReader, ranker: who.assignment.ranker, settings: this.settings },
    );
    return this.answer({ request, who, result, started, endpoint: 'recommend' });
  }

  async rerank(request: RerankServeRequest): Promise<ServedResponse> {
    const started = performance.now();
    const who = await this.resolve(request);
    const result = await rerank(
      {
        ...(who.userKey === undefined ? {} : { userKey: who.userKey }),
        itemIds: request.itemIds,
        personalization: who.personalization,
        ...(request.context === undefined ? {} : { context: request.context }),
      },
      { reader: this.pipelineReader, ranker: who.assignment.ranker, settings: this.settings },
    );
    return this.answer({ request, who, result, started, endpoint: 'rank' });
  }

  private async resolve(
    request: RequestIdentity & {
      requestId?: string;
      placement?: string;
      personalization?: boolean;
    },
  ) {
    const started = performance.now();
    const userKey = userKeyOf(request, this.config.pseudonymisationSecret);
    const stored = userKey === undefined ? undefined : await this.reader.readConsent(userKey);
    const personalization = request.personalization !== false && stored !== false;
    const assignment = await assignmentFor({
      experiments: this.experiments.current,
      placement: request.placement,
      userKey,
      models: this.models,
    });
    return {
      userKey,
      personalization,
      assignment,
      requestId: request.requestId ?? randomUUID(),
      resolveMs: performance.now() - started,
    };
  }

  private answer(input: {
    request: RequestIdentity & { sessionId?: string; placement?: string };
    who: {
      userKey: string | undefined;
      personalization: boolean;
      assignment: ArmAssignment;
      requestId: string;
      resolveMs: number;
    };
    result: RecommendResult | RerankResult;
    started: number;
    endpoint: 'recommend' | 'rank';
  }): ServedResponse {
    const { request, who, result } = input;
    const response: ServedResponse = {
      schemaVersion: 1,
      requestId: who.requestId,
      ...(request.userId === undefined ? {} : { userId: request.userId }),
      ...(request.anonymousId === undefined ? {} : { anonymousId: request.anonymousId }),
      items: result.items.map((item) => ({ ...item })),
      modelVersion: result.rankedBy.version,
      arm: who.assignment.arm,
      ...(who.assignment.experimentId === undefined
        ? {}
        : { experimentId: who.assignment.experimentId }),
      personalized: result.personalized,
      generatedAt: new Date().toISOString(),
      degraded: result.degraded,
      ...(result.degradedReason === undefined ? {} : { degradedReason: result.degradedReason }),
      ...('candidatesConsidered' in result
        ? { candidatesConsidered: result.candidatesConsidered }
        : {}),
      timings: {
        ...result.timings,
        resolveMs: who.resolveMs,
        totalMs: performance.now() - input.started,
      },
    };
    this.metrics.served({
      endpoint: input.endpoint,
      arm: response.arm,
      degraded: result.degraded,
      personalized: result.personalized,
      seconds: (performance.now() - input.started) / 1000,
    });
    this.logImpression(response, {
      ...request,
      userKey: who.userKey,
      personalization: who.personalization,
    });
    return response;
  }

  /** Fire and forget: a failed impression log costs attribution, never the answer. */
  private logImpression(
    response: ServedResponse,
    request: {
      userKey: string | undefined;
      personalization: boolean;
      userId?: string;
      sessionId?: string;
      placement?: string;
    },
  ): void {
    if (!this.config.logImpressions || request.userKey === undefined || response.items.length === 0)
      return;
    const event = impressionEventOf({
      requestId: response.requestId,
      userKey: request.userKey,
      anonymous: request.userId === undefined,
      sessionId: request.sessionId ?? response.requestId,
      modelVersion: response.modelVersion,
      arm: response.arm,
      ...(response.experimentId === undefined ? {} : { experimentId: response.experimentId }),
      ...(request.placement === undefined ? {} : { placement: request.placement }),
      items: response.items.slice(0, 500),
      servedAtMs: Date.now(),
      personalization: request.personalization,
    });
    this.publisher.publish('events.raw.v1', [{ key: request.userKey, value: event }]).then(
      () => this.metrics.impressionLogged(true),
      (error: unknown) => {
        this.metrics.impressionLogged(false);
        this.logger.warn(`impression ${response.requestId} not logged: ${String(error)}`);
      },
    );
  }
}
