/**
 * The platform's Kafka connection: one kafkajs instance per service, topic names resolved through the
 * contracts' registry (and the deployment prefix), admin helpers and a health probe.
 */
import {
  Kafka,
  logLevel,
  type KafkaConfig as KafkaJsConfig,
  type LogEntry,
  type SASLOptions,
} from 'kafkajs';
import type { KafkaConfig } from '@recsys/config';
import { physicalTopicName, type TopicName } from '@recsys/contracts';
import { silentLogger, type AdapterLogger } from './logger';

export interface TopicSpec {
  topic: TopicName;
  /** @default 3 */
  partitions?: number;
  /** @default 1 */
  replicationFactor?: number;
  /** Broker-side topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  configs?: Record<string, string>;
}

const HEALTH_TIMEOUT_MS = 3_000;

/** Broker-side configs a topic always gets when created: the catalogue keeps the latest item state. */
const TOPIC_CONFIGS: Partial<Record<TopicName, Record<string, string>>> = {
  'catalog.items.v1': { 'cleanup.policy': 'compact' },
};

function toKafkaJsConfig(config: KafkaConfig, logger: AdapterLogger): KafkaJsConfig {
  return {
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    ...(config.sasl ? { sasl: config.sasl as SASLOptions } : {}),
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => forwardLog(logger, entry),
  };
}

/**
 * Limiting the idempotent producer's retries is deliberate (a send must fail within a bound so the
 * collector can answer 503); duplicates this may cause are removed downstream by event id.
 */
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer'];

/**
 * Conditions of a broker that is still starting (its group coordinator loads the offsets topic): kafkajs
 * logs them at ERROR although they are retriable and it retries them itself. They are debug, not errors.
 */
const RETRIABLE_STARTUP_ERRORS = [
  /coordinator is loading/i,
  /coordinator is not available/i,
  /COORDINATOR_(LOAD_IN_PROGRESS|NOT_AVAILABLE)/,
];

export function forwardLog(logger: AdapterLogger, entry: LogEntry): void {
  const { message, timestamp: _timestamp, logger: _name, ...extra } = entry.log;
  const text = String(message);
  if (EXPECTED_WARNINGS.some((warning) => text.startsWith(warning))) return;
  const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
  const line = `kafkajs ${entry.namespace}: ${text}${details}`;
  if (RETRIABLE_STARTUP_ERRORS.some((pattern) => pattern.test(line))) logger.debug?.(line);
  else if (entry.level <= logLevel.ERROR) logger.error(line);
  else logger.warn(line);
}

const ENSURE_TOPICS_ATTEMPTS = 5;

/** A consumer group this process consumes with, and how it starts without a committed offset. */
export interface ConsumedGroup {
  groupId: string;
  topic: TopicName;
  fromBeginning: boolean;
}

export class KafkaClient {
  readonly kafka: Kafka;
  private readonly consumed = new Map<string, ConsumedGroup>();

  constructor(
    readonly config: KafkaConfig,
    readonly logger: AdapterLogger = silentLogger,
  ) {
    this.kafka = new Kafka(toKafkaJsConfig(config, logger));
  }

  /** Called by the platform's consumers when they start, so the service reports their lag. */
  registerConsumerGroup(group: ConsumedGroup): void {
    this.consumed.set(`${group.groupId}\u0000${group.topic}`, group);
  }

  /** The groups (and topics) this process consumes with. */
  get consumedGroups(): ConsumedGroup[] {
    return [...this.consumed.values()];
  }

  /** The physical name of a registry topic under this deployment's prefix. */
  topicName(topic: TopicName): string {
    return physicalTopicName(topic, this.config.topicPrefix);
  }

  /**
   * Creates missing topics; existing ones are left as they are. Services starting together race to
   * create the same topics (the loser sees "already exists" or a topic without leaders yet), so a failed
   * attempt is retried against a fresh listing: it succeeds once every topic exists, whoever made it.
   */
  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.createMissingTopics(specs);
        return;
      } catch (error) {
        if (attempt >= ENSURE_TOPICS_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  private async createMissingTopics(specs: TopicSpec[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(this.topicName(spec.topic)));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: this.topicName(spec.topic),
          numPartitions: spec.partitions ?? 3,
          replicationFactor: spec.replicationFactor ?? 1,
          configEntries: Object.entries({ ...TOPIC_CONFIGS[spec.topic], ...spec.configs }).map(
            ([name, value]) => ({
              name,
              value,
            }),
          ),
        })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** Moves a (stopped) consumer group back to the earliest offsets of a topic, for rebuilds. */
  async rewindGroup(groupId: string, topic: TopicName): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.resetOffsets({ groupId, topic: this.topicName(topic), earliest: true });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Moves a (stopped) consumer group to the first offsets at or after `timestampMs` on every partition
   * (the end where nothing is that new), so a restarted consumer re-reads a bounded recent window.
   */
  async moveGroupToTime(groupId: string, topic: TopicName, timestampMs: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const physical = this.topicName(topic);
      const [atTime, ends] = await Promise.all([
        admin.fetchTopicOffsetsByTimestamp(physical, timestampMs),
        admin.fetchTopicOffsets(physical),
      ]);
      const endOf = new Map(ends.map((end) => [end.partition, end.high]));
      const partitions = atTime.map(({ partition, offset }) => ({
        partition,
        offset: offset === '-1' ? (endOf.get(partition) ?? '0') : offset,
      }));
      await admin.setOffsets({ groupId, topic: physical, partitions });
    } finally {
      await admin.disconnect();
    }
  }

  /** True when a broker answers a metadata request within 3 s. */
  async isHealthy(): Promise<boolean> {
    const admin = this.kafka.admin();
    const probe = (async () => {
      await admin.connect();
      await admin.describeCluster();
      return true;
    })().catch(() => false);
    const timeout = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS).unref(),
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
