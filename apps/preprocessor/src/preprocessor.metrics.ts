/** Prometheus metrics of the preprocessor: throughput by outcome, dead letters, freshness, quality gate. */
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { qualityMetrics } from '@recsys/features';
import { METRICS_REGISTRY } from '@recsys/platform';
import type { BatchSummary } from './events/process-events.usecase';

@Injectable()
export class PreprocessorMetrics {
  private readonly events: Counter<'outcome'>;
  private readonly deadLetters: Counter<'reason'>;
  private readonly examples: Counter;
  private readonly batchDuration: Histogram;
  private readonly freshness: Histogram;
  private readonly appliedByType: Counter<'event_type'>;
  private readonly eventToFeature: Histogram;
  private readonly qualityRatio: Gauge<'metric'>;
  private readonly qualityAlert: Gauge;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: 'preprocessor_events_total',
      help: 'Events by outcome (applied, duplicate, erased, redelivered, dead_lettered).',
      labelNames: ['outcome'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'preprocessor_dead_letters_total',
      help: 'Events dead-lettered, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.examples = new Counter({
      name: 'preprocessor_training_examples_total',
      help: 'Training examples emitted.',
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'preprocessor_batch_duration_seconds',
      help: 'Time to process one batch end to end.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.freshness = new Histogram({
      name: 'preprocessor_feature_freshness_seconds',
      help: 'From the collector accepting an event to its features being visible in Redis.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    this.appliedByType = new Counter({
      name: 'preprocessor_applied_events_total',
      help: 'Events applied to the feature store, by event type.',
      labelNames: ['event_type'],
      registers,
    });
    this.eventToFeature = new Histogram({
      name: 'preprocessor_event_to_feature_seconds',
      help: 'From the event time (the storefront clock) to its features being written: delivery delays included.',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
      registers,
    });
    this.qualityRatio = new Gauge({
      name: 'preprocessor_quality_ratio',
      help: 'Share of the current quality window per metric.',
      labelNames: ['metric'],
      registers,
    });
    this.qualityAlert = new Gauge({
      name: 'preprocessor_quality_gate_alert',
      help: '1 while the current quality window crosses a threshold (its training examples are flagged).',
      registers,
    });
  }

  async timeBatch(run: () => Promise<BatchSummary>): Promise<BatchSummary> {
    const stop = this.batchDuration.startTimer();
    try {
      return await run();
    } finally {
      stop();
    }
  }

  recordBatch(summary: BatchSummary): void {
    this.events.inc({ outcome: 'applied' }, summary.applied);
    this.events.inc({ outcome: 'duplicate' }, summary.duplicates);
    this.events.inc({ outcome: 'erased' }, summary.erased);
    this.events.inc({ outcome: 'redelivered' }, summary.skippedAsProcessed);
    this.events.inc({ outcome: 'dead_lettered' }, summary.deadLetters.length);
    for (const { reason } of summary.deadLetters) this.deadLetters.inc({ reason });
    this.examples.inc(summary.trainingExamples);
    for (const ms of summary.freshnessMs) this.freshness.observe(ms / 1000);
    this.recordApplied(summary.appliedEvents ?? []);
    if (summary.verdict === undefined) return;
    for (const metric of qualityMetrics)
      this.qualityRatio.set({ metric }, summary.verdict.ratios[metric]);
    this.qualityAlert.set(summary.verdict.flagged ? 1 : 0);
  }

  /** One increment per type and batch: label lookups per event would cost at 20k events/s. */
  private recordApplied(
    applied: NonNullable<BatchSummary['appliedEvents']>,
    nowMs = Date.now(),
  ): void {
    const byType = new Map<string, number>();
    for (const { eventType, eventTimeMs } of applied) {
      byType.set(eventType, (byType.get(eventType) ?? 0) + 1);
      this.eventToFeature.observe(Math.max(0, nowMs - eventTimeMs) / 1000);
    }
    for (const [eventType, count] of byType)
      this.appliedByType.inc({ event_type: eventType }, count);
  }
}
