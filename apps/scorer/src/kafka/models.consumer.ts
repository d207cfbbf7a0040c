/**
 * Hot-reloads the champion when `models.published.v1` announces one. Every replica must see every
 * announcement, so each has its own consumer group (named after the host: a pod keeps its name across
 * container restarts); a periodic registry check covers anything missed while a replica was starting.
 */
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { SCORER_SERVICE_NAME, type ScorerConfig } from '../config';
import { ModelCache } from '../models/model-cache';
import { ScorerMetrics } from '../scorer.metrics';

const REGISTRY_CHECK_MS = 30_000;

@Injectable()
export class ModelsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('models');
  private readonly consumer: KafkaTopicConsumer<'models.published.v1'>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScorerConfig,
    client: KafkaClient,
    publisher: KafkaPublisher,
    private readonly models: ModelCache,
    private readonly metrics: ScorerMetrics,
  ) {
    this.consumer = new KafkaTopicConsumer(client, {
      topic: 'models.published.v1',
      groupId: `${config.groupId}.models.${hostname().replace(/[^A-Za-z0-9._-]/g, '-')}`,
      service: SCORER_SERVICE_NAME,
      deadLetters: publisher,
      fromBeginning: false,
      handle: async ({ value }) => {
        if (value.modelName !== this.config.model.name) return;
        await this.switchTo(() => this.models.useChampion(value.registryKey));
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.switchTo(() => this.models.refreshChampion());
    await this.consumer.start();
    this.timer = setInterval(
      () => void this.switchTo(() => this.models.refreshChampion()),
      REGISTRY_CHECK_MS,
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.consumer.stop();
    this.models.dispose();
  }

  private async switchTo(load: () => Promise<void>): Promise<void> {
    const before = this.models.swapCount;
    try {
      await load();
    } catch (error) {
      this.logger.warn(
        `model refresh failed, serving ${this.models.championVersion}: ${String(error)}`,
      );
    }
    this.metrics.modelInUse(this.models.championVersion, this.models.swapCount > before);
  }
}
