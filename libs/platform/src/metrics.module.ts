/**
 * Nest wiring for metrics (and the HTTP side of tracing): `GET /metrics` in the Prometheus text format,
 * the request-duration histogram and a trace span per request installed on the Fastify instance, the
 * Kafka metrics of the service's KafkaClient and KafkaPublisher when it has them, and the registry
 * injectable (METRICS_REGISTRY) so a service registers its own counters next to the shared ones.
 */
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  Res,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import { instrumentHttpTracing } from '@recsys/telemetry';
import {
  createMetricsRegistry,
  instrumentHttpRequests,
  type MetricsRegistryOptions,
} from './metrics';
import { registerKafkaMetrics, type KafkaMetrics } from './metrics-kafka';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.registry.contentType);
    return this.registry.metrics();
  }
}

@Injectable()
export class HttpMetricsInstaller implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    instrumentHttpTracing(fastify);
    instrumentHttpRequests(fastify, this.registry);
  }
}

@Injectable()
export class KafkaMetricsInstaller implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('metrics');
  private metrics: KafkaMetrics | undefined;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Optional() private readonly client?: KafkaClient,
    @Optional() private readonly publisher?: KafkaPublisher,
  ) {}

  onModuleInit(): void {
    this.metrics = registerKafkaMetrics(this.registry, {
      ...(this.client === undefined ? {} : { client: this.client }),
      ...(this.publisher === undefined ? {} : { publisher: this.publisher }),
      onLagUnavailable: (error) =>
        this.logger.warn(`consumer lag not readable from Kafka: ${describeError(error)}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.metrics?.close();
  }
}

/** Admin errors name brokers and timeouts, never payloads; long ones are cut. */
function describeError(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);
}

@Module({})
export class MetricsModule {
  static forRoot(options: MetricsRegistryOptions): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        HttpMetricsInstaller,
        KafkaMetricsInstaller,
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(options) },
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
