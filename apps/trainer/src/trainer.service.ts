/**
 * The trainer's running loop: training examples from Kafka fill the window; the scheduler trains when
 * enough arrived or the interval passed; every run is logged with its figures. On start the consumer
 * group is moved back to the window's start, so a restarted trainer rebuilds its window from Kafka.
 */
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { expandTrainingExamples } from '@recsys/contracts';
import {
  RedisModelRegistry,
  modelPublishedEventOf,
  type PromotionRecord,
} from '@recsys/feature-store';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { traceWork } from '@recsys/telemetry';
import { TRAINER_SERVICE_NAME, type TrainerConfig } from './config';
import { TrainerMetrics } from './trainer.metrics';
import { RetrainScheduler } from './training/retrain-scheduler';
import { TrainingCycle, type CycleResult } from './training/training-cycle.usecase';
import { TrainingWindow } from './window/training-window';
import { WindowErasures } from './window/window-erasures.service';

const GROUP_RESET_ATTEMPTS = 5;

@Injectable()
export class TrainerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('trainer');
  readonly window: TrainingWindow;
  private readonly consumer: KafkaTopicConsumer<'training.examples.v2'>;
  private readonly scheduler: RetrainScheduler;
  private readonly cycle: TrainingCycle;
  private lastResult: CycleResult | undefined;
  private consuming = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: TrainerConfig,
    private readonly client: KafkaClient,
    private readonly publisher: KafkaPublisher,
    readonly registry: RedisModelRegistry,
    private readonly metrics: TrainerMetrics,
    private readonly erasures: WindowErasures,
  ) {
    this.window = new TrainingWindow(config.window, erasures.excludes);
    this.cycle = new TrainingCycle({
      registry,
      settings: config.training,
      log: (line) => this.logger.log(line),
      publish: async (event) => {
        await publisher.publish('models.published.v1', [{ key: event.modelName, value: event }]);
      },
    });
    this.scheduler = new RetrainScheduler({
      ...config.schedule,
      pending: () => this.window.newSinceTraining,
      train: () => this.trainNow().then(() => undefined),
      onError: (error) => this.logger.error(`training failed: ${String(error)}`),
    });
    this.consumer = new KafkaTopicConsumer(client, {
      topic: 'training.examples.v2',
      groupId: config.groupId,
      service: TRAINER_SERVICE_NAME,
      deadLetters: publisher,
      handle: async ({ value }) => {
        for (const example of expandTrainingExamples(value)) {
          const outcome = this.window.add(example);
          this.metrics.exampleReceived(outcome, this.window.size);
        }
        this.scheduler.check();
      },
    });
  }

  get isConsuming(): boolean {
    return this.consuming;
  }

  get lastRun(): CycleResult | undefined {
    return this.lastResult;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.copyRegistryFromV1();
    await this.erasures.start(this.window);
    await this.rewindToWindowStart();
    await this.consumer.start();
    this.consuming = true;
    this.scheduler.start();
    this.metrics.championIs(await this.registry.champion());
  }

  async onApplicationShutdown(): Promise<void> {
    this.consuming = false;
    await this.scheduler.stop();
    await this.consumer.stop();
  }

  /**
   * Trains on the current window now (one run at a time) and returns what happened. A run is a trace of
   * its own, carried by its models.published.v1 announcement to the scorers that load the model.
   */
  async trainNow(): Promise<CycleResult> {
    return traceWork('train ranker', () => this.runCycle(), { newTrace: true });
  }

  private async runCycle(): Promise<CycleResult> {
    const started = Date.now();
    const examples = this.window.snapshot();
    this.window.markTrained();
    try {
      const result = await this.cycle.run(examples);
      this.lastResult = result;
      this.metrics.runFinished(result, (Date.now() - started) / 1000);
      this.metrics.championIs(await this.registry.champion());
      this.logger.log(`training run: ${summaryOf(result)}`);
      return result;
    } catch (error) {
      this.metrics.runFinished('failed', (Date.now() - started) / 1000);
      throw error;
    }
  }

  /**
   * An upgrade from a registry of format v1 keeps its versions, champion and history; the champion is
   * announced again so that scorers which found the new registry empty load it.
   */
  private async copyRegistryFromV1(): Promise<void> {
    const copied = await this.registry.copyFromV1();
    if (copied === 0) return;
    this.logger.log(`copied ${copied} keys of the model registry's format v1 into format v2`);
    const champion = await this.registry.champion();
    const [promotion] = await this.registry.history(1);
    if (champion !== undefined && promotion?.version === champion)
      await this.announcePromotion(promotion);
  }

  /**
   * Announces a promotion on `models.published.v1`, so scorers load the version; false when the
   * version is not in the registry (nothing announced).
   */
  async announcePromotion(promotion: PromotionRecord): Promise<boolean> {
    const record = await this.registry.version(promotion.version);
    if (record === undefined) return false;
    const event = modelPublishedEventOf(this.registry.modelName, record, promotion);
    await this.publisher.publish('models.published.v1', [{ key: event.modelName, value: event }]);
    return true;
  }

  /** A group with live members cannot be moved; a previous instance may still be leaving, so retry. */
  private async rewindToWindowStart(): Promise<void> {
    const from = Date.now() - this.config.window.maxAgeMs;
    for (let attempt = 1; attempt <= GROUP_RESET_ATTEMPTS; attempt += 1) {
      try {
        await this.client.moveGroupToTime(this.config.groupId, 'training.examples.v2', from);
        return;
      } catch (error) {
        this.logger.warn(
          `cannot move ${this.config.groupId} to the window start: ${String(error)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
      }
    }
    this.logger.warn('continuing from the committed offsets: the window starts partly empty');
  }
}

function summaryOf(result: CycleResult): string {
  if (result.status === 'skipped') return `skipped (${result.reason})`;
  const auc = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(4));
  return (
    `${result.status} ${result.version}: ${result.decision.note}; held-out AUC challenger ` +
    `${auc(result.challenger.auc)}, champion ${auc(result.champion?.auc)}, popularity ` +
    `${auc(result.baseline.auc)}; NDCG@10 ${auc(result.challenger['ndcg@10'])} vs popularity ` +
    `${auc(result.baseline['ndcg@10'])}; ${Math.round(result.trainingExamplesPerSecond)} examples/s`
  );
}
