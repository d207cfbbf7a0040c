/** What the ingestion use cases need from Kafka, and a timing wrapper around the real publisher. */
import type { OutgoingMessage } from '@recsys/kafka';
import type { CollectorMetrics } from '../metrics/collector-metrics';

export type IngestTopic = 'events.raw.v1' | 'events.dlq.v1' | 'catalog.items.v1';

export interface IngestPublisher {
  publish<T extends IngestTopic>(topic: T, messages: OutgoingMessage<T>[]): Promise<unknown>;
}

/** Observes every non-empty publish in `collector_kafka_publish_duration_seconds`. */
export class TimedPublisher implements IngestPublisher {
  constructor(
    private readonly publisher: IngestPublisher,
    private readonly metrics: CollectorMetrics,
  ) {}

  async publish<T extends IngestTopic>(topic: T, messages: OutgoingMessage<T>[]): Promise<unknown> {
    if (messages.length === 0) return [];
    const stop = this.metrics.timePublish(topic);
    try {
      const result = await this.publisher.publish(topic, messages);
      stop('ok');
      return result;
    } catch (error) {
      stop('error');
      throw error;
    }
  }
}
