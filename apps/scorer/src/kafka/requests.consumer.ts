/**
 * The Kafka interface of the scorer: requests on `recommendations.requests.v1`, answers on
 * `recommendations.v1` keyed like the request. A request with `candidateItemIds` is a re-rank.
 */
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { RecommendationRequestV1, RecommendationResponseV1 } from '@recsys/contracts';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { SCORER_SERVICE_NAME, type ScorerConfig } from '../config';
import {
  RecommendationService,
  type ServedResponse,
} from '../recommendations/recommendation.service';

/** The contract's fields only (the HTTP answer adds diagnostics the topic's schema does not carry). */
export function toResponseMessage(served: ServedResponse): RecommendationResponseV1 {
  const {
    degraded: _degraded,
    degradedReason: _reason,
    candidatesConsidered: _considered,
    timings: _timings,
    ...response
  } = served;
  return response;
}

@Injectable()
export class RecommendationRequestsConsumer
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly consumer: KafkaTopicConsumer<'recommendations.requests.v1'> | undefined;

  constructor(
    @Inject(APP_CONFIG) config: ScorerConfig,
    client: KafkaClient,
    private readonly publisher: KafkaPublisher,
    private readonly recommendations: RecommendationService,
  ) {
    if (!config.kafkaRequests) return;
    this.consumer = new KafkaTopicConsumer(client, {
      topic: 'recommendations.requests.v1',
      groupId: `${config.groupId}.requests`,
      service: SCORER_SERVICE_NAME,
      deadLetters: publisher,
      fromBeginning: false,
      partitionsConsumedConcurrently: 3,
      handle: async ({ value }) => this.answer(value),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async answer(request: RecommendationRequestV1): Promise<void> {
    const identity = {
      ...(request.userId === undefined ? {} : { userId: request.userId }),
      ...(request.anonymousId === undefined ? {} : { anonymousId: request.anonymousId }),
    };
    const common = {
      ...identity,
      requestId: request.requestId.slice(0, 120),
      ...(request.placement === undefined ? {} : { placement: request.placement }),
    };
    const served = request.candidateItemIds
      ? await this.recommendations.rerank({
          ...common,
          itemIds: request.candidateItemIds,
          ...(request.context === undefined ? {} : { context: { client: request.context } }),
        })
      : await this.recommendations.recommend({
          ...common,
          k: request.k,
          ...(request.context === undefined ? {} : { context: { client: request.context } }),
        });
    const response = toResponseMessage(served);
    if (request.candidateItemIds) response.items = response.items.slice(0, request.k);
    await this.publisher.publish('recommendations.v1', [
      { key: request.userId ?? request.anonymousId ?? request.requestId, value: response },
    ]);
  }
}
