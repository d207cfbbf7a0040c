/**
 * Nest wiring for the Kafka adapter: one KafkaClient and one connected KafkaPublisher per service,
 * created before the app listens and disconnected on shutdown (after in-flight sends finished).
 */
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { KafkaConfig } from '@recsys/config';
import { KafkaClient, type TopicSpec } from './kafka-client';
import { KafkaPublisher, type PublisherOptions } from './publisher';

export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');

export interface KafkaModuleOptions {
  config: KafkaConfig;
  publisher?: PublisherOptions;
  /** Topics created at start-up when missing (local and test setups; production uses the chart's job). */
  ensureTopics?: TopicSpec[];
}

@Injectable()
export class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('kafka');

  constructor(
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
    private readonly client: KafkaClient,
    private readonly publisher: KafkaPublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.ensureTopics && this.options.ensureTopics.length > 0) {
      await this.client.ensureTopics(this.options.ensureTopics);
    }
    await this.publisher.connect();
    this.logger.log(
      `connected to ${this.options.config.brokers.join(',')} as ${this.options.config.clientId}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

/**
 * Readiness of a service's Kafka: its publisher is connected, its circuit breaker (if any) is closed,
 * and a broker answers.
 */
export function kafkaHealthIndicator(client: KafkaClient, publisher: KafkaPublisher) {
  return {
    name: 'kafka',
    isHealthy: async (): Promise<boolean> =>
      publisher.isConnected &&
      publisher.circuit?.refusesCalls !== true &&
      (await client.isHealthy()),
  };
}

@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, useValue: options },
        {
          provide: KafkaClient,
          useFactory: () => new KafkaClient(options.config, new Logger('kafkajs')),
        },
        {
          provide: KafkaPublisher,
          inject: [KafkaClient],
          useFactory: (client: KafkaClient) => new KafkaPublisher(client, options.publisher),
        },
        KafkaLifecycle,
      ],
      exports: [KafkaClient, KafkaPublisher],
    };
  }
}
