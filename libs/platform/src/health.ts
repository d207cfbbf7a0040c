/**
 * Liveness and readiness over HTTP. Liveness says the process runs; readiness says every dependency an
 * indicator watches (Kafka, Redis, a loaded model) answers, so a load balancer stops sending traffic
 * while one is away instead of collecting 503s.
 */
import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HEALTH_INDICATORS } from './tokens';

export interface HealthIndicator {
  name: string;
  isHealthy: () => Promise<boolean>;
  /** A non-critical dependency shows as down but keeps the service ready (it degrades without it). @default true */
  critical?: boolean;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, 'up' | 'down'>;
}

export async function checkReadiness(indicators: HealthIndicator[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    indicators.map(async (indicator) => ({
      indicator,
      healthy: await indicator.isHealthy().catch(() => false),
    })),
  );
  const checks = Object.fromEntries(
    results.map(({ indicator, healthy }) => [indicator.name, healthy ? 'up' : 'down'] as const),
  );
  const ready = results.every(({ indicator, healthy }) => healthy || indicator.critical === false);
  return { status: ready ? 'ready' : 'not_ready', checks };
}

@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[]) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await checkReadiness(this.indicators);
    reply.status(report.status === 'ready' ? 200 : 503);
    return report;
  }
}
