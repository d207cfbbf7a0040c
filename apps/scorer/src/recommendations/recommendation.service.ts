/**
 * Serving one recommendation or re-ranking request: identity → consent → experiment arm → the arm's
 * ranker → the recommendation pipeline (libs/recommendation) → the response, logged as an impression.
 * HTTP and Kafka requests both come through here, so they behave the same. Everything that reads Redis
 * runs within the request deadline: when the feature store is down or slower than that, the answer is
 * the fallback list (non-personalised, kept in memory), marked `degraded` with the reason.
 */
import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppError, type DegradedReason, type RecommendationResponseV1 } from '@recsys/contracts';
import { RedisRecommendationReader } from '@recsys/feature-store';
import { KafkaPublisher } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import {
  FALLBACK_RANKED_BY,
  MAX_K,
  recommend,
  recommendationSettingsOf,
  withSharedDataCache,
  type RecommendationReader,
  type RecommendedItem,
  rerank,
  type RecommendResult,
  type RecommendationSettings,
  type RequestContext,
  type RerankResult,
} from '@recsys/recommendation';
import type { ScorerConfig } from '../config';
import {
  assignmentFor,
  DEFAULT_ARM,
  rerankerOf,
  type ArmAssignment,
} from '../experiments/arm-selection';
import { ExperimentsCache } from '../experiments/experiments.cache';
import { sourceOrderRanker } from '../models/fallback-rankers';
import { ModelCache } from '../models/model-cache';
import { ScorerMetrics } from '../scorer.metrics';
import { FallbackList } from './fallback-list';
import { sessionKeyOf, userKeyOf, type RequestIdentity } from './identity';
import { impressionEventOf } from './impression-event';
import { readerUntil } from './reader-until';
import { withinDeadline, type FallbackReason } from './within-deadline';

export interface ServeRequest extends RequestIdentity {
  k: number;
  /**
   * An operator's look at what the shopper would get (the console's user lookup): nothing is logged
   * or counted — no impression event (it would feed the shown-without-click filter, attribution and
   * experiment reports) and no served/arm metrics.
   */
  preview?: boolean;
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
  /** No model ranked the answer (none, failed, late) or the feature store did not answer in time. */
  degraded: boolean;
  degradedReason?: DegradedReason;
  candidatesConsidered?: number;
  /** Where the time went inside the scorer, in ms (identity, reads, ranking). */
  timings?: Record<string, number>;
};

type Endpoint = 'recommend' | 'rank';

/** Time the pipeline keeps after ranking to build its answer before the request deadline. */
const ANSWER_MARGIN_MS = 20;

@Injectable()
export class RecommendationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('recommendations');
  private readonly settings: RecommendationSettings;
  /** The store reads of the pipeline, shared (non-user) data cached briefly (see SCORER_ITEM_CACHE_MS). */
  private readonly pipelineReader: RecommendationReader;
  private readonly fallback: FallbackList;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScorerConfig,
    private readonly reader: RedisRecommendationReader,
    private readonly models: ModelCache,
    private readonly experiments: ExperimentsCache,
    private readonly publisher: KafkaPublisher,
    private readonly metrics: ScorerMetrics,
  ) {
    this.settings = recommendationSettingsOf(config.recommendation);
    this.pipelineReader = withSharedDataCache(reader, { ttlMs: config.itemCacheMs });
    this.fallback = new FallbackList({
      load: async () => (await this.nonPersonalised(MAX_K)).items,
      refreshMs: config.fallbackRefreshMs,
      log: (line) => this.logger.warn(line),
    });
  }

  onApplicationBootstrap(): void {
    this.fallback.start();
  }

  onApplicationShutdown(): void {
    this.fallback.stop();
  }

  async recommend(request: ServeRequest): Promise<ServedResponse> {
    const started = performance.now();
    const computed = await withinDeadline(
      this.recommendFromStore(request, Date.now() + this.config.requestDeadlineMs),
      this.config.requestDeadlineMs,
    );
    if (computed.ok)
      return this.answer({ request, ...computed.value, started, endpoint: 'recommend' });
    const exclude = new Set([...(request.exclude ?? []), ...(request.context?.itemIds ?? [])]);
    const items = this.fallback.pick(request.k, exclude);
    if (items === undefined)
      throw new AppError(
        'REDIS_UNAVAILABLE',
        `the feature store could not answer (${computed.reason}) and no fallback list was read yet`,
      );
    return this.fallbackAnswer({
      request,
      reason: computed.reason,
      items,
      started,
      endpoint: 'recommend',
    });
  }

  async rerank(request: RerankServeRequest): Promise<ServedResponse> {
    const started = performance.now();
    const computed = await withinDeadline(
      this.rerankFromStore(request, Date.now() + this.config.requestDeadlineMs),
      this.config.requestDeadlineMs,
    );
    if (computed.ok) return this.answer({ request, ...computed.value, started, endpoint: 'rank' });
    // Without features the given order is the best there is.
    const items = [...new Set(request.itemIds)].map((itemId, rank) => ({
      itemId,
      rank,
      score: 0,
      source: 'rerank',
    }));
    return this.fallbackAnswer({
      request,
      reason: computed.reason,
      items,
      started,
      endpoint: 'rank',
    });
  }

  /**
   * What the pipeline gets of the request's time: reads refused once the deadline passed (readerUntil),
   * and the ranker cut short in time for the sources' order (still personal) to beat the fallback list.
   */
  private budgetUntil(deadlineAtMs: number): { reader: RecommendationReader; deadlineMs: number } {
    const rankerDeadlineMs = Date.now() + this.config.recommendation.rankerTimeoutMs;
    return {
      reader: readerUntil(this.pipelineReader, deadlineAtMs),
      deadlineMs: Math.min(rankerDeadlineMs, deadlineAtMs - ANSWER_MARGIN_MS),
    };
  }

  private async recommendFromStore(request: ServeRequest, deadlineAtMs: number) {
    const who = await this.resolve(request);
    const { reader, deadlineMs } = this.budgetUntil(deadlineAtMs);
    const result = await recommend(
      {
        deadlineMs,
        ...(who.userKey === undefined ? {} : { userKey: who.userKey }),
        k: request.k,
        personalization: who.personalization && who.assignment.personal,
        seed: who.requestId,
        ...(request.context === undefined ? {} : { context: request.context }),
        ...(request.exclude === undefined ? {} : { exclude: request.exclude }),
      },
      { reader, ranker: who.assignment.ranker, settings: this.settings },
    );
    return { who, result };
  }

  private async rerankFromStore(request: RerankServeRequest, deadlineAtMs: number) {
    const who = await this.resolve(request);
    const { reader, deadlineMs } = this.budgetUntil(deadlineAtMs);
    const result = await rerank(
      {
        deadlineMs,
        ...(who.userKey === undefined ? {} : { userKey: who.userKey }),
        itemIds: request.itemIds,
        personalization: who.personalization && who.assignment.personal,
        ...(request.context === undefined ? {} : { context: request.context }),
      },
      { reader, ranker: rerankerOf(who.assignment), settings: this.settings },
    );
    return { who, result };
  }

  /** What anyone gets without a user: the fallback list's source (no shopper's data is read). */
  private nonPersonalised(k: number): Promise<RecommendResult> {
    return recommend(
      { k, personalization: false, seed: 'fallback' },
      { reader: this.pipelineReader, ranker: sourceOrderRanker, settings: this.settings },
    );
  }

  /**
   * The answer when the feature store could not give one in time. Not logged as an impression: the
   * user's consent could not be read, and no experiment arm or model chose the list.
   */
  private fallbackAnswer(input: {
    request: RequestIdentity & { requestId?: string; preview?: boolean };
    reason: FallbackReason;
    items: RecommendedItem[];
    started: number;
    endpoint: Endpoint;
  }): ServedResponse {
    const { request } = input;
    const totalMs = performance.now() - input.started;
    if (request.preview !== true)
      this.metrics.served({
        endpoint: input.endpoint,
        arm: DEFAULT_ARM,
        degraded: true,
        personalized: false,
        seconds: totalMs / 1000,
      });
    return {
      schemaVersion: 1,
      requestId: request.requestId ?? randomUUID(),
      ...(request.userId === undefined ? {} : { userId: request.userId }),
      ...(request.anonymousId === undefined ? {} : { anonymousId: request.anonymousId }),
      items: input.items,
      modelVersion: FALLBACK_RANKED_BY.version,
      arm: DEFAULT_ARM,
      personalized: false,
      generatedAt: new Date().toISOString(),
      degraded: true,
      degradedReason: input.reason,
      timings: { totalMs },
    };
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
    request: RequestIdentity & { sessionId?: string; placement?: string; preview?: boolean };
    who: {
      userKey: string | undefined;
      personalization: boolean;
      assignment: ArmAssignment;
      requestId: string;
      resolveMs: number;
    };
    result: RecommendResult | RerankResult;
    started: number;
    endpoint: Endpoint;
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
    if (request.preview === true) return response;
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
      // Without a session the request id stands in: it names no shopper, so it needs no pseudonym.
      sessionId:
        request.sessionId === undefined
          ? response.requestId
          : sessionKeyOf(request.sessionId, this.config.pseudonymisationSecret),
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
