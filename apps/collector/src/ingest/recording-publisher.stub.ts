/** A publisher for unit tests: records what would have gone to each topic, or fails on demand. */
import type { OutgoingMessage } from '@recsys/kafka';
import type { IngestPublisher, IngestTopic } from './ingest-publisher';

export class RecordingPublisher implements IngestPublisher {
  readonly sent: { [T in IngestTopic]: OutgoingMessage<T>[] } = {
    'events.raw.v1': [],
    'events.dlq.v1': [],
    'catalog.items.v1': [],
  };
  failWith: Error | undefined;

  async publish<T extends IngestTopic>(topic: T, messages: OutgoingMessage<T>[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    (this.sent[topic] as OutgoingMessage<T>[]).push(...messages);
  }
}
