/** Prometheus metrics of the trainer: window, runs and their outcome, speed, held-out quality. */
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@recsys/platform';
import type { CycleResult } from './training/training-cycle.usecase';
import type { AddOutcome } from './window/training-window';

@Injectable()
export class TrainerMetrics {
  private readonly examples: Counter<'outcome'>;
  private readonly window: Gauge;
  private readonly runs: Counter<'status'>;
  private readonly duration: Histogram;
  private readonly speed: Gauge;
  private readonly quality: Gauge<'model' | 'metric'>;
  private readonly champion: Gauge<'version'>;
  private readonly lastRun: Gauge<'status'>;
  private readonly lastChallenger: Gauge<'version' | 'status'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.examples = new Counter({
      name: 'trainer_examples_total',
      help: 'Training examples received, by what the window did with them.',
      labelNames: ['outcome'],
      registers,
    });
    this.window = new Gauge({
      name: 'trainer_window_examples',
      help: 'Examples in the training window.',
      registers,
    });
    this.runs = new Counter({
      name: 'trainer_runs_total',
      help: 'Training runs by result (promoted, rejected, skipped, failed).',
      labelNames: ['status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'trainer_run_duration_seconds',
      help: 'Duration of a training run (train, evaluate, store).',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.speed = new Gauge({
      name: 'trainer_examples_per_second',
      help: 'Training speed of the last run.',
      registers,
    });
    this.quality = new Gauge({
      name: 'trainer_heldout_metric',
      help: 'Held-out metrics of the last run per model (challenger, champion, baseline).',
      labelNames: ['model', 'metric'],
      registers,
    });
    this.champion = new Gauge({
      name: 'trainer_champion_info',
      help: '1 for the champion version the registry names.',
      labelNames: ['version'],
      registers,
    });
    this.lastRun = new Gauge({
      name: 'trainer_last_run_timestamp_seconds',
      help: 'When the last training run of each result finished (Unix time).',
      labelNames: ['status'],
      registers,
    });
    this.lastChallenger = new Gauge({
      name: 'trainer_last_challenger_info',
      help: '1 for the version the last completed run trained, labelled promoted or rejected.',
      labelNames: ['version', 'status'],
      registers,
    });
  }

  exampleReceived(outcome: AddOutcome, windowSize: number): void {
    this.examples.inc({ outcome });
    this.window.set(windowSize);
  }

  runFinished(result: CycleResult | 'failed', seconds: number, nowMs = Date.now()): void {
    this.duration.observe(seconds);
    const status = result === 'failed' ? 'failed' : result.status;
    this.lastRun.set({ status }, nowMs / 1000);
    this.runs.inc({ status });
    if (result === 'failed' || result.status === 'skipped') return;
    this.lastChallenger.reset();
    this.lastChallenger.set({ version: result.version, status: result.status }, 1);
    this.speed.set(result.trainingExamplesPerSecond);
    for (const [model, metrics] of Object.entries({
      challenger: result.challenger,
      champion: result.champion,
      baseline: result.baseline,
    })) {
      if (metrics === undefined) continue;
      for (const metric of ['auc', 'logLoss', 'ndcg@10'] as const) {
        if (Number.isFinite(metrics[metric])) this.quality.set({ model, metric }, metrics[metric]);
      }
    }
  }

  championIs(version: string | undefined): void {
    this.champion.reset();
    if (version !== undefined) this.champion.set({ version }, 1);
  }
}
