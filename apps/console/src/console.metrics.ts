/** Prometheus metrics of the console itself: what it taps, and how the scorer answers its lookups. */
import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@recsys/platform';

@Injectable()
export class ConsoleMetrics {
  private readonly tapped: Counter<'topic'>;
  private readonly scorerCalls: Counter<'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.tapped = new Counter({
      name: 'console_tapped_messages_total',
      help: 'Messages the console counted, by topic.',
      labelNames: ['topic'],
      registers,
    });
    this.scorerCalls = new Counter({
      name: 'console_scorer_requests_total',
      help: 'User lookups’ calls to the scorer, by outcome (ok, error, unreachable).',
      labelNames: ['outcome'],
      registers,
    });
  }

  messagesTapped(topic: string, count: number): void {
    this.tapped.inc({ topic }, count);
  }

  scorerCalled(outcome: 'ok' | 'error' | 'unreachable'): void {
    this.scorerCalls.inc({ outcome });
  }
}
