/**
 * The live page in one response: traffic rates and dead letters from the console's own counters,
 * consumer lag from the admin API, quality gate and freshness from the preprocessors' ops stats. Each
 * section stands alone: a source that is away or slow marks its section unavailable, not the page.
 */
import { Injectable } from '@nestjs/common';
import { AppError, type LiveV1, type SectionUnavailableV1 } from '@recsys/contracts';
import { OpsStatsStore } from '@recsys/feature-store';
import { ConsumerLag } from './consumer-lag.service';
import { LiveTraffic } from './live-traffic.service';
import { pipelineStatusOf } from './pipeline-status';

/** A source slower than this is shown as unavailable for this refresh. */
const SECTION_TIMEOUT_MS = 4_000;
/** Preprocessor instances silent for longer are left out. */
const INSTANCE_ACTIVE_WITHIN_MS = 10 * 60_000;

@Injectable()
export class LiveUseCase {
  constructor(
    private readonly traffic: LiveTraffic,
    private readonly lag: ConsumerLag,
    private readonly opsStats: OpsStatsStore,
  ) {}

  async execute(query: { stepSeconds: number }): Promise<LiveV1> {
    const nowMs = Date.now();
    const [consumerLag, pipeline] = await Promise.all([
      section(() => this.lag.current(nowMs)),
      section(async () =>
        pipelineStatusOf(
          await this.opsStats.readPreprocessors({
            activeWithinMs: INSTANCE_ACTIVE_WITHIN_MS,
            nowMs,
          }),
        ),
      ),
    ]);
    const counting = this.traffic.isRunning;
    return {
      generatedAt: new Date(nowMs).toISOString(),
      events: counting
        ? { status: 'ok', ...this.traffic.rates.view(nowMs, query.stepSeconds) }
        : notCounting(),
      deadLetters: counting
        ? { status: 'ok', ...this.traffic.deadLetters.view(nowMs) }
        : notCounting(),
      consumerLag,
      pipeline,
    };
  }
}

function notCounting(): SectionUnavailableV1 {
  return {
    status: 'unavailable',
    error: { code: 'KAFKA_UNAVAILABLE', message: "the console's consumer is not running" },
  };
}

export async function section<T extends object>(
  read: () => Promise<T>,
  timeoutMs = SECTION_TIMEOUT_MS,
): Promise<({ status: 'ok' } & T) | SectionUnavailableV1> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('TIMEOUT', `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return { status: 'ok', ...(await Promise.race([read(), timeout])) };
  } catch (error) {
    return {
      status: 'unavailable',
      error: {
        code: error instanceof AppError ? error.code : 'UNAVAILABLE',
        message: error instanceof Error ? error.message : String(error),
      },
    };
  } finally {
    clearTimeout(timer);
  }
}
