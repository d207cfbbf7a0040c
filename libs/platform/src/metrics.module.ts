/**
 * Nest wiring for metrics: `GET /metrics` in the Prometheus text format, the request-duration
 * histogram installed on the Fastify instance, and the registry injectable (METRICS_REGISTRY) so a
 * service registers its own counters next to the shared ones.
 */
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  Res,
  type DynamicModule,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import {
  createMetricsRegistry,
  instrumentHttpRequests,
  type MetricsRegistryOptions,
} from './metrics';

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
    instrumentHttpRequests(
      this.adapterHost.httpAdapter.getInstance<FastifyInstance>(),
      this.registry,
    );
  }
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
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(options) },
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
