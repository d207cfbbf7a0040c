/**
 * The collector's own Prometheus metrics, registered on the application's registry next to the
 * platform's HTTP and process metrics. Labels are bounded: event types and reasons come from the
 * contracts, storefronts from configuration, error codes from error-codes.ts.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitBreaker, CircuitState } from '@recsys/kafka';
import type { IngestTopic } from '../ingest/ingest-publisher';

/** Seconds; an idempotent, acks=all produce to a healthy cluster takes milliseconds. */
/** Gauge values of `collector_kafka_circuit_state`. */
const CIRCUIT_STATE_VALUES: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

const PUBLISH_DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class CollectorMetrics {
  readonly eventsAccepted: Counter<'event_type'>;
  readonly eventsRejected: Counter<'reason'>;
  readonly itemsAccepted: Counter;
  readonly itemsRejected: Counter<'reason'>;
  readonly requestsRateLimited: Counter<'storefront'>;
  readonly rateLimitBypassed: Counter<'reason'>;
  readonly requestsRefused: Counter<'code'>;
  readonly kafkaPublishDuration: Histogram<'topic' | 'outcome'>;
  readonly kafkaCircuitState: Gauge;
  readonly kafkaCircuitOpened: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsAccepted = new Counter({
      name: 'collector_events_accepted_total',
      help: 'Events written to events.raw.v1 (acknowledged by Kafka), by event type.',
      labelNames: ['event_type'],
      registers,
    });
    this.eventsRejected = new Counter({
      name: 'collector_events_rejected_total',
      help: 'Events refused and dead-lettered, by dead-letter reason.',
      labelNames: ['reason'],
      registers,
    });
    this.itemsAccepted = new Counter({
      name: 'collector_items_accepted_total',
      help: 'Catalogue items written to catalog.items.v1 (acknowledged by Kafka).',
      registers,
    });
    this.itemsRejected = new Counter({
      name: 'collector_items_rejected_total',
      help: 'Catalogue items refused and dead-lettered, by dead-letter reason.',
      labelNames: ['reason'],
      registers,
    });
    this.requestsRateLimited = new Counter({
      name: 'collector_requests_rate_limited_total',
      help: 'Requests answered 429 because their storefront was over its rate limit.',
      labelNames: ['storefront'],
      registers,
    });
    this.rateLimitBypassed = new Counter({
      name: 'collector_rate_limit_bypassed_total',
      help: 'Requests admitted without a rate-limit decision because the limiter (Redis) failed.',
      labelNames: ['reason'],
      registers,
    });
    this.requestsRefused = new Counter({
      name: 'collector_requests_refused_total',
      help: 'Requests refused by authentication (401) or origin checks (403), by error code.',
      labelNames: ['code'],
      registers,
    });
    this.kafkaPublishDuration = new Histogram({
      name: 'collector_kafka_publish_duration_seconds',
      help: 'Time until Kafka acknowledged a batch, by topic and outcome (ok or error).',
      labelNames: ['topic', 'outcome'],
      buckets: PUBLISH_DURATION_BUCKETS,
      registers,
    });
    [this.kafkaCircuitState, this.kafkaCircuitOpened] = circuitMetrics(registers);
  }

  /** Follows the Kafka publisher's circuit breaker in the state gauge and the openings counter. */
  watchCircuit(circuit: CircuitBreaker): void {
    this.kafkaCircuitState.set(CIRCUIT_STATE_VALUES[circuit.state]);
    circuit.onStateChange((state, previous) => {
      this.kafkaCircuitState.set(CIRCUIT_STATE_VALUES[state]);
      if (state === 'open' && previous === 'closed') this.kafkaCircuitOpened.inc();
    });
  }

  /** Timer for one publish of `topic`; call the result with the outcome. */
  timePublish(topic: IngestTopic): (outcome: 'ok' | 'error') => void {
    const stop = this.kafkaPublishDuration.startTimer({ topic });
    return (outcome) => {
      stop({ outcome });
    };
  }
}

function circuitMetrics(registers: Registry[]): [Gauge, Counter] {
  return [
    new Gauge({
      name: 'collector_kafka_circuit_state',
      help: 'Circuit breaker of the Kafka publisher: 0 closed, 1 half-open (probing), 2 open (503 at once).',
      registers,
    }),
    new Counter({
      name: 'collector_kafka_circuit_opened_total',
      help: 'Times the Kafka circuit breaker opened (a publish showed the cluster unreachable).',
      registers,
    }),
  ];
}
