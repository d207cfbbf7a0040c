import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { RedisConnection, RedisModule, RedisRateLimiter } from '@recsys/feature-store';
import {
  KafkaClient,
  KafkaModule,
  kafkaHealthIndicator,
  KafkaPublisher,
  type TopicSpec,
} from '@recsys/kafka';
import {
  APP_CONFIG,
  OpenApiController,
  openApiDocumentProvider,
  HEALTH_INDICATORS,
  HealthController,
  METRICS_REGISTRY,
  MetricsModule,
  type HealthIndicator,
} from '@recsys/platform';
import type { Registry } from 'prom-client';
import { createAuthenticator } from './auth/authentication.hook';
import { COLLECTOR_SERVICE_NAME, type CollectorConfig } from './config';
import { buildOpenApiDocument } from './docs/openapi';
import { CollectorHttpSetup, REQUEST_AUTHENTICATOR } from './http/collector-http.setup';
import { IngestController } from './ingest/ingest.controller';
import { IngestEventsUseCase } from './ingest/ingest-events.usecase';
import { IngestItemsUseCase } from './ingest/ingest-items.usecase';
import { TimedPublisher } from './ingest/ingest-publisher';
import { ItemsController } from './ingest/items.controller';
import { pseudonymiserFor } from './ingest/pseudonymise';
import { CollectorMetrics } from './metrics/collector-metrics';
import { IngestQuota } from './rate-limit/ingest-quota';

/** How often the open circuit breaker checks whether a broker answers again. */
const KAFKA_PROBE_INTERVAL_MS = 500;

/** Topics the collector writes, created at start-up when KAFKA_CREATE_TOPICS (local and test setups). */
function topicsToEnsure(config: CollectorConfig): TopicSpec[] {
  if (!config.topics.create) return [];
  const partitions = config.topics.partitions;
  return [
    { topic: 'events.raw.v1', partitions },
    { topic: 'events.dlq.v1', partitions },
    { topic: 'catalog.items.v1', partitions },
  ];
}

function healthIndicators(): Provider {
  return {
    provide: HEALTH_INDICATORS,
    inject: [KafkaClient, KafkaPublisher, RedisConnection],
    useFactory: (
      client: KafkaClient,
      publisher: KafkaPublisher,
      redis: RedisConnection,
    ): HealthIndicator[] => [
      kafkaHealthIndicator(client, publisher),
      // Rate limiting fails open without Redis: report it, but keep taking traffic.
      { name: 'redis', isHealthy: () => redis.isHealthy(), critical: false },
    ],
  };
}

function rateLimitProviders(config: CollectorConfig): Provider[] {
  return [
    {
      provide: IngestQuota,
      inject: [RedisConnection, CollectorMetrics],
      useFactory: (redis: RedisConnection, metrics: CollectorMetrics) =>
        new IngestQuota(
          new RedisRateLimiter(redis, { limit: config.rateLimit.eventsPerSecond, windowMs: 1_000 }),
          metrics,
        ),
    },
  ];
}

function ingestProviders(config: CollectorConfig): Provider[] {
  const pseudonymise = pseudonymiserFor(config.pseudonymisationSecret);
  const options = (publisher: KafkaPublisher, metrics: CollectorMetrics) => ({
    publisher: new TimedPublisher(publisher, metrics),
    limits: config.limits,
    pseudonymise,
    metrics,
  });
  return [
    {
      provide: CollectorMetrics,
      inject: [METRICS_REGISTRY, KafkaPublisher],
      useFactory: (registry: Registry, publisher: KafkaPublisher) => {
        const metrics = new CollectorMetrics(registry);
        if (publisher.circuit) metrics.watchCircuit(publisher.circuit);
        return metrics;
      },
    },
    {
      provide: IngestEventsUseCase,
      inject: [KafkaPublisher, CollectorMetrics],
      useFactory: (publisher: KafkaPublisher, metrics: CollectorMetrics) =>
        new IngestEventsUseCase(options(publisher, metrics)),
    },
    {
      provide: IngestItemsUseCase,
      inject: [KafkaPublisher, CollectorMetrics],
      useFactory: (publisher: KafkaPublisher, metrics: CollectorMetrics) =>
        new IngestItemsUseCase(options(publisher, metrics)),
    },
  ];
}

@Module({})
export class CollectorModule {
  static forRoot(config: CollectorConfig): DynamicModule {
    return {
      module: CollectorModule,
      imports: [
        KafkaModule.forRoot({
          config: config.kafka,
          ensureTopics: topicsToEnsure(config),
          // While Kafka is unreachable, answer 503 at once instead of after the send timeout.
          publisher: { circuitBreaker: { probeIntervalMs: KAFKA_PROBE_INTERVAL_MS } },
        }),
        MetricsModule.forRoot({ serviceName: COLLECTOR_SERVICE_NAME }),
        RedisModule.forRoot({ config: config.redis, optionalAtStart: true }),
      ],
      controllers: [OpenApiController, HealthController, IngestController, ItemsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        openApiDocumentProvider(buildOpenApiDocument),
        { provide: REQUEST_AUTHENTICATOR, useValue: createAuthenticator(config.auth) },
        CollectorHttpSetup,
        healthIndicators(),
        ...ingestProviders(config),
        ...rateLimitProviders(config),
      ],
    };
  }
}
