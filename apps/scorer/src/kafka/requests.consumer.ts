/**
 * The Kafka interface of the scorer: requests on `recommendations.requests.v1`, replies on
 * `recommendations.v1` keyed by the request id (see replies.ts). A request with `candidateItemIds` is a
 * re-rank. A request that cannot be served is dead-lettered and, when its request id can be read, also
 * answered with the error, so the requester never waits for a reply that will not come.
 */
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { RecommendationRequestV1 } from '@recsys/contracts';
import {
  KafkaClient,
  KafkaPublisher,
  KafkaTopicConsumer,
  type RejectedMessage,
} from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { SCORER_SERVICE_NAME, type ScorerConfig } from '../config';
import { RecommendationService } from '../recommendations/recommendation.service';
import { answerReply, errorReply, toResponseMessage } from './replies';

/** Request ids become impression event ids (`imp-<requestId>`), which are at most 128 characters. */
const SERVED_REQUEST_ID_MAX = 120;

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
      onRejected: (rejected) => this.answerRejected(rejected),
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
      requestId: request.requestId.slice(0, SERVED_REQUEST_ID_MAX),
      ...(request.placement === undefined ? {} : { placement: request.placement }),
      ...(request.context === undefined ? {} : { context: { client: request.context } }),
    };
    const served = request.candidateItemIds
      ? await this.recommendations.rerank({ ...common, itemIds: request.candidateItemIds })
      : await this.recommendations.recommend({ ...common, k: request.k });
    // The reply names the request as the requester sent it, whatever the impression id needed.
    const response = toResponseMessage(served, request.requestId);
    if (request.candidateItemIds) response.items = response.items.slice(0, request.k);
    await this.publisher.publish('recommendations.v1', [answerReply(response)]);
  }

  private async answerRejected(rejected: RejectedMessage): Promise<void> {
    const reply = errorReply(rejected);
    if (reply !== undefined) await this.publisher.publish('recommendations.v1', [reply]);
  }
}
