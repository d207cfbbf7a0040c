/** Prometheus metrics of the scorer: latency, degraded answers, arms, impressions, the model in use. */
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@recsys/platform';

@Injectable()
export class ScorerMetrics {
  private readonly requests: Counter<'endpoint' | 'arm' | 'degraded' | 'personalized'>;
  private readonly latency: Histogram<'endpoint'>;
  private readonly impressions: Counter<'outcome'>;
  private readonly model: Gauge<'version'>;
  private readonly swaps: Counter;
  private readonly attributed: Counter<'kind' | 'outcome'>;
  private readonly armEvents: Counter<'experiment' | 'arm' | 'kind'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'scorer_requests_total',
      help: 'Answered recommendation and re-rank requests by endpoint, A/B arm, and whether degraded/personalised.',
      labelNames: ['endpoint', 'arm', 'degraded', 'personalized'],
      registers,
    });
    this.latency = new Histogram({
      name: 'scorer_request_duration_seconds',
      help: 'Time to answer one request inside the scorer (reads, ranking, response).',
      labelNames: ['endpoint'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.impressions = new Counter({
      name: 'scorer_impressions_logged_total',
      help: 'recommendation_impression events published, by outcome (ok, failed).',
      labelNames: ['outcome'],
      registers,
    });
    this.model = new Gauge({
      name: 'scorer_model_info',
      help: '1 for the model version this replica serves as champion.',
      labelNames: ['version'],
      registers,
    });
    this.swaps = new Counter({
      name: 'scorer_model_swaps_total',
      help: 'Champion models swapped in without downtime.',
      registers,
    });
    this.attributed = new Counter({
      name: 'scorer_attribution_events_total',
      help: 'Events attributed to experiment arms, by kind and outcome.',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.armEvents = new Counter({
      name: 'scorer_experiment_events_total',
      help: 'Impressions, clicks and purchases counted for an experiment arm (CTR = clicks / impressions).',
      labelNames: ['experiment', 'arm', 'kind'],
      registers,
    });
  }

  served(sample: {
    endpoint: 'recommend' | 'rank';
    arm: string;
    degraded: boolean;
    personalized: boolean;
    seconds: number;
  }): void {
    this.requests.inc({
      endpoint: sample.endpoint,
      arm: sample.arm,
      degraded: String(sample.degraded),
      personalized: String(sample.personalized),
    });
    this.latency.observe({ endpoint: sample.endpoint }, sample.seconds);
  }

  impressionLogged(ok: boolean): void {
    this.impressions.inc({ outcome: ok ? 'ok' : 'failed' });
  }

  modelInUse(version: string | undefined, swapped: boolean): void {
    this.model.reset();
    if (version !== undefined) this.model.set({ version }, 1);
    if (swapped) this.swaps.inc();
  }

  attribution(kind: string, outcome: string): void {
    this.attributed.inc({ kind, outcome });
  }

  /** An event counted for an arm (experiments and arms are configured, so the labels stay few). */
  countedForArm(
    kind: 'impression' | 'click' | 'purchase',
    arm: { experimentId: string; arm: string },
  ): void {
    this.armEvents.inc({ experiment: arm.experimentId, arm: arm.arm, kind });
  }
}
