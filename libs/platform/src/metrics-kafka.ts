/**
 * Kafka metrics every service gets from its KafkaClient and KafkaPublisher, without wiring of its own:
 *   - `kafka_consumer_group_lag{group,topic,partition}`: messages the service's consumer groups have not
 *     committed yet, read from the broker when Prometheus scrapes (reused for 10 s);
 *   - `kafka_messages_published_total{topic}` and `kafka_dead_letters_total{reason,code}`: what Kafka
 *     acknowledged, dead letters by their typed reason and error code.
 * Labels are bounded: topics and reasons come from the contracts, groups from configuration.
 */
import { ConsumerGroupLagReader, type KafkaClient, type KafkaPublisher } from '@recsys/kafka';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface KafkaMetricsSources {
  client?: KafkaClient;
  publisher?: KafkaPublisher;
  /** Told when the lag cannot be read (once per failure streak). */
  onLagUnavailable?: (error: unknown) => void;
  /** @default 10000 */
  lagMaxAgeMs?: number;
}

export interface KafkaMetrics {
  /** Closes the admin connection the lag reads use. */
  close(): Promise<void>;
}

export function registerKafkaMetrics(
  registry: Registry,
  sources: KafkaMetricsSources,
): KafkaMetrics {
  if (sources.publisher !== undefined) countPublished(registry, sources.publisher);
  if (sources.client === undefined) return { close: async () => undefined };
  const reader = new ConsumerGroupLagReader(sources.client, {
    maxAgeMs: sources.lagMaxAgeMs ?? 10_000,
  });
  registerLagGauge(registry, reader, sources.onLagUnavailable);
  return { close: () => reader.close() };
}

function countPublished(registry: Registry, publisher: KafkaPublisher): void {
  const published = new Counter({
    name: 'kafka_messages_published_total',
    help: 'Messages Kafka acknowledged, by topic.',
    labelNames: ['topic'],
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'kafka_dead_letters_total',
    help: 'Dead letters written to events.dlq.v1, by reason and error code.',
    labelNames: ['reason', 'code'],
    registers: [registry],
  });
  publisher.onPublished((topic, messages) => {
    published.inc({ topic }, messages.length);
    if (topic !== 'events.dlq.v1') return;
    for (const { value } of messages) {
      if ('reason' in value && 'code' in value)
        deadLetters.inc({ reason: value.reason, code: value.code });
    }
  });
}

function registerLagGauge(
  registry: Registry,
  reader: ConsumerGroupLagReader,
  onLagUnavailable: ((error: unknown) => void) | undefined,
): void {
  let failing = false;
  let collecting: Promise<void> = Promise.resolve();
  const lag: Gauge<'group' | 'topic' | 'partition'> = new Gauge({
    name: 'kafka_consumer_group_lag',
    help: 'Messages the consumer groups of this service have not committed, per partition (high watermark - committed offset).',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    collect: () => (collecting = collectLag()),
  });
  const collectLag = async (): Promise<void> => {
    try {
      const samples = await reader.read();
      lag.reset();
      for (const sample of samples) {
        lag.set(
          { group: sample.groupId, topic: sample.topic, partition: String(sample.partition) },
          sample.lag,
        );
      }
      failing = false;
    } catch (error) {
      // A stale lag would look like progress: show none instead.
      lag.reset();
      failures.inc();
      if (!failing) onLagUnavailable?.(error);
      failing = true;
    }
  };
  // Registered after the gauge, whose collection a scrape starts first: the count waits for it, so a
  // scrape shows its own failure.
  const failures = new Counter({
    name: 'kafka_consumer_group_lag_read_errors_total',
    help: 'Scrapes that could not read the consumer lag from Kafka (the lag series are then absent).',
    registers: [registry],
    collect: () => collecting,
  });
}
