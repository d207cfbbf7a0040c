/**
 * Nest wiring for Redis: one RedisConnection per service, connected before the app starts serving and
 * closed on shutdown, plus the FeatureStore on top of it.
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
import type { RedisConfig } from '@recsys/config';
import {
  FeatureStore,
  defaultFeatureStoreSettings,
  type FeatureStoreSettings,
} from './feature-store';
import { RedisConnection, type RedisConnectionOptions } from './redis-connection';

export const REDIS_MODULE_OPTIONS = Symbol('REDIS_MODULE_OPTIONS');

export interface RedisModuleOptions {
  config: RedisConfig;
  featureStore?: FeatureStoreSettings;
  /**
   * Start even when Redis cannot be reached (the connection keeps retrying in the background). For
   * services that degrade without Redis, such as the collector's fail-open rate limit. @default false
   */
  optionalAtStart?: boolean;
  /** The feature writer's service turns re-sending after a reconnect off (see RedisConnectionOptions). */
  connection?: RedisConnectionOptions;
}

@Injectable()
export class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('redis');

  constructor(
    @Inject(RedisConnection) private readonly connection: RedisConnection,
    @Inject(REDIS_MODULE_OPTIONS) private readonly options: RedisModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await this.connection.connect();
      this.logger.log(`connected (key prefix "${this.connection.keyPrefix}")`);
    } catch (error) {
      if (!this.options.optionalAtStart) throw error;
      this.logger.warn(`not reachable at start-up, retrying in the background: ${String(error)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.disconnect();
  }
}

@Module({})
export class RedisModule {
  static forRoot(options: RedisModuleOptions): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        { provide: REDIS_MODULE_OPTIONS, useValue: options },
        {
          provide: RedisConnection,
          useFactory: () => new RedisConnection(options.config, options.connection),
        },
        {
          provide: FeatureStore,
          inject: [RedisConnection],
          useFactory: (connection: RedisConnection) =>
            new FeatureStore(connection, options.featureStore ?? defaultFeatureStoreSettings),
        },
        RedisLifecycle,
      ],
      exports: [RedisConnection, FeatureStore],
    };
  }
}
