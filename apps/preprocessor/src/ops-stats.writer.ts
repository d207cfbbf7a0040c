/**
 * Publishes this instance's operational status for the console through libs/feature-store's
 * OpsStatsStore: events applied, dead letters, the newest event time applied, feature freshness p50/p99
 * over the last minute of batches, and the data-quality gate of the current window (read back from the
 * shared window counts, so every instance reports the same gate). Written at most once a second from
 * the batch path and every few seconds when idle; never on the batch's critical path (a failed write
 * is logged and superseded by the next one).
 */
import { hostname } from 'node:os';
import { Logger, type Provider } from '@nestjs/common';
import {
  FeatureStore,
  OpsStatsStore,
  RedisConnection,
  type PreprocessorOpsStats,
  type QualityGateStats,
} from '@recsys/feature-store';
import {
  evaluateQualityGate,
  qualityWindowStart,
  type QualityCounts,
  type QualityThresholds,
} from '@recsys/features';
import type { BatchSummary } from './events/process-events.usecase';

/** What the events use case calls after each batch. */
export interface OpsStatsRecorder {
  recordBatch(summary: BatchSummary, newestEventMs: number | undefined): void;
}

export interface OpsStatsWriterOptions {
  store: Pick<OpsStatsStore, 'writePreprocessor'>;
  quality: { qualityWindow(windowStartMs: number): Promise<QualityCounts> };
  settings: { windowMs: number; thresholds: QualityThresholds };
  /** @default "<hostname>-<pid>" */
  instance?: string;
  now?: () => number;
  /** Least time between two writes from the batch path. @default 1000 */
  minIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/** Freshness percentiles cover the batches of the last minute… */
const FRESHNESS_WINDOW_MS = 60_000;
/** …sampled evenly: at most this many values per batch and in total. */
const SAMPLES_PER_BATCH = 200;
const MAX_SAMPLES = 20_000;
/** An idle instance keeps reporting (the gate's window moves on without events). */
const IDLE_WRITE_INTERVAL_MS = 5_000;

export class OpsStatsWriter implements OpsStatsRecorder {
  private readonly instance: string;
  private readonly now: () => number;
  private readonly startedAtMs: number;
  private eventsApplied = 0;
  private deadLetters = 0;
  private lastEventMs: number | undefined;
  private lastAppliedAtMs: number | undefined;
  private samples: Array<{ atMs: number; ms: number }> = [];
  private lastWriteMs = Number.NEGATIVE_INFINITY;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OpsStatsWriterOptions) {
    this.instance = options.instance ?? `${hostname()}-${process.pid}`;
    this.now = options.now ?? Date.now;
    this.startedAtMs = this.now();
  }

  /** Nest lifecycle (the writer is a provider): periodic writes while the app runs. */
  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.write(), IDLE_WRITE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  recordBatch(summary: BatchSummary, newestEventMs: number | undefined): void {
    const nowMs = this.now();
    this.eventsApplied += summary.applied;
    this.deadLetters += summary.deadLetters.length;
    if (summary.applied > 0) this.lastAppliedAtMs = nowMs;
    if (newestEventMs !== undefined)
      this.lastEventMs = Math.max(this.lastEventMs ?? newestEventMs, newestEventMs);
    for (const ms of evenlySampled(summary.freshnessMs, SAMPLES_PER_BATCH))
      this.samples.push({ atMs: nowMs, ms });
    if (this.samples.length > MAX_SAMPLES) this.samples = this.samples.slice(-MAX_SAMPLES);
    if (nowMs - this.lastWriteMs >= (this.options.minIntervalMs ?? 1_000)) void this.write();
  }

  /** Writes the current status (one write at a time; a call during a write waits for it). */
  async write(): Promise<void> {
    if (this.writing !== undefined) return this.writing;
    this.lastWriteMs = this.now();
    this.writing = this.writeNow()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => (this.writing = undefined));
    return this.writing;
  }

  /** The status as it would be written now. */
  async snapshot(): Promise<PreprocessorOpsStats> {
    const nowMs = this.now();
    this.samples = this.samples.filter((sample) => sample.atMs > nowMs - FRESHNESS_WINDOW_MS);
    return {
      instance: this.instance,
      startedAtMs: this.startedAtMs,
      updatedAtMs: nowMs,
      eventsApplied: this.eventsApplied,
      deadLetters: this.deadLetters,
      lastEventMs: this.lastEventMs,
      lastAppliedAtMs: this.lastAppliedAtMs,
      freshness: percentilesOf(this.samples.map((sample) => sample.ms)),
      quality: await this.qualityGate(nowMs),
    };
  }

  private async writeNow(): Promise<void> {
    await this.options.store.writePreprocessor(await this.snapshot());
  }

  private async qualityGate(nowMs: number): Promise<QualityGateStats> {
    const { windowMs, thresholds } = this.options.settings;
    const windowStartMs = qualityWindowStart(nowMs, windowMs);
    const counts = await this.options.quality.qualityWindow(windowStartMs);
    const verdict = evaluateQualityGate(counts, thresholds);
    return {
      state: verdict.flagged ? 'closed' : 'open',
      judgement: verdict.judgement,
      metricJudgements: verdict.metricJudgements,
      crossed: verdict.crossed,
      ratios: verdict.ratios,
      thresholds: thresholds.ratios,
      minEvents: thresholds.minEvents,
      eventsInWindow: counts.total,
      windowStartMs,
      windowMs,
    };
  }
}

/** The writer as a Nest provider, on the service's Redis connection and quality settings. */
export function opsStatsWriterProvider(settings: OpsStatsWriterOptions['settings']): Provider {
  const logger = new Logger('ops-stats');
  return {
    provide: OpsStatsWriter,
    inject: [RedisConnection, FeatureStore],
    useFactory: (redis: RedisConnection, features: FeatureStore) =>
      new OpsStatsWriter({
        store: new OpsStatsStore(redis),
        quality: features,
        settings,
        onError: (error) => logger.warn(`ops stats not written: ${String(error)}`),
      }),
  };
}

/** Newest event time among the events a batch applied (undefined when it applied none). */
export function newestAppliedEventMs(
  accepted: ReadonlyArray<{ plan: { timestampMs: number } }>,
  outcomes: ReadonlyArray<{ status: string }>,
): number | undefined {
  let newest: number | undefined;
  accepted.forEach((entry, index) => {
    if (outcomes[index]?.status !== 'applied') return;
    newest = Math.max(newest ?? entry.plan.timestampMs, entry.plan.timestampMs);
  });
  return newest;
}

/** At most `limit` values, evenly spread over the input (all of them when fewer). */
export function evenlySampled(values: readonly number[], limit: number): number[] {
  if (values.length <= limit) return [...values];
  const stride = values.length / limit;
  return Array.from({ length: limit }, (_, index) => values[Math.floor(index * stride)]!);
}

/** Nearest-rank p50 and p99; undefined without samples. */
export function percentilesOf(
  values: readonly number[],
): { p50Ms: number; p99Ms: number; samples: number } | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (quantile: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)]!;
  return { p50Ms: at(0.5), p99Ms: at(0.99), samples: sorted.length };
}
