/**
 * A cheap observer of topics: hands over each message's key, headers and broker timestamp (and, only for
 * topics that ask, its value as text) without decoding or validating payloads, for dashboards that count
 * traffic by header (`ce_type`, `recsys_error_code`). It never dead-letters and never blocks a
 * partition: the handler is synchronous counting. At start the group is moved to `sinceMs` on each topic,
 * so a restarted observer re-reads the recent window its counts cover instead of a backlog.
 */
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { TopicName } from '@recsys/contracts';
import { groupConsumerConfig } from './group-settings';
import { flattenHeaders } from './headers';
import type { KafkaClient } from './kafka-client';
import { silentLogger, type AdapterLogger } from './logger';

export interface TappedMessage {
  topic: TopicName;
  partition: number;
  key: string | undefined;
  headers: Record<string, string>;
  /** Broker timestamp (CreateTime: when the producer sent it), ms since epoch. */
  timestampMs: number;
  /** The value as text, only where the topic's `withValues` asked for it. */
  value?: string;
}

export interface TappedTopic {
  topic: TopicName;
  /** Start reading at the first message at or after this time (ms). Absent: the committed position. */
  sinceMs?: number;
  /**
   * Hand over the value as text too: for every message (low-volume topics such as dead letters), or for
   * those whose headers the predicate picks (e.g. messages without a type header). @default false
   */
  withValues?: boolean | ((headers: Record<string, string>) => boolean);
}

export interface HeaderTapOptions {
  topics: TappedTopic[];
  /** Needs every partition: one group per observer (never shared by replicas). */
  groupId: string;
  onMessages: (messages: TappedMessage[]) => void;
  /** @default 30000 */
  sessionTimeoutMs?: number;
  logger?: AdapterLogger;
}

export class KafkaHeaderTap {
  private readonly consumer: Consumer;
  private readonly logicalNames = new Map<string, TappedTopic>();
  private readonly logger: AdapterLogger;
  private running = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: HeaderTapOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    for (const tapped of options.topics)
      this.logicalNames.set(client.topicName(tapped.topic), tapped);
    this.consumer = client.kafka.consumer({
      ...groupConsumerConfig(options),
      maxWaitTimeInMs: 500,
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.running = false;
    });
  }

  /** True while the consumer runs (false after a crash it does not recover from). */
  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.rewind();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.logicalNames.keys()],
      fromBeginning: false,
    });
    // Its lag shows in the service's metrics like any consumer's.
    for (const { topic } of this.options.topics)
      this.client.registerConsumerGroup({
        groupId: this.options.groupId,
        topic,
        fromBeginning: false,
      });
    await this.consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: 3,
      eachBatch: async (payload) => this.handleBatch(payload),
    });
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }

  /**
   * Moves the group to each topic's `sinceMs`. Refused while another member of the group is still
   * running (a rolling restart): the tap then resumes from the committed position instead.
   */
  private async rewind(): Promise<void> {
    for (const tapped of this.options.topics) {
      if (tapped.sinceMs === undefined) continue;
      try {
        await this.client.moveGroupToTime(this.options.groupId, tapped.topic, tapped.sinceMs);
      } catch (error) {
        this.logger.warn(
          `tap ${this.options.groupId}: ${tapped.topic} not rewound, resuming: ${String(error)}`,
        );
      }
    }
  }

  private handleBatch({ batch }: EachBatchPayload): void {
    const tapped = this.logicalNames.get(batch.topic);
    if (tapped === undefined) return;
    const wantsValue = tapped.withValues ?? false;
    this.options.onMessages(
      batch.messages.map((message) => {
        const headers = flattenHeaders(message.headers);
        const withValue = typeof wantsValue === 'function' ? wantsValue(headers) : wantsValue;
        return {
          topic: tapped.topic,
          partition: batch.partition,
          key: message.key?.toString('utf8'),
          headers,
          timestampMs: Number(message.timestamp),
          ...(withValue ? { value: message.value?.toString('utf8') ?? '' } : {}),
        };
      }),
    );
  }
}
