/**
 * How long Kafka keeps what a topic holds, as the broker is configured (`retention.ms`,
 * `retention.bytes`, `cleanup.policy`): what an erasure receipt states about the raw events, training
 * examples and notices that stay on the topics until retention removes them.
 */
import { ConfigResourceTypes } from 'kafkajs';
import type { TopicName } from '@recsys/contracts';
import type { KafkaClient } from './kafka-client';

export interface TopicRetention {
  topic: TopicName;
  /** false when the topic does not exist (nothing is kept there). */
  exists: boolean;
  /** null = unlimited (`retention.ms` -1) or unknown. */
  retentionMs: number | null;
  /** null = unlimited (`retention.bytes` -1) or unknown. */
  retentionBytes: number | null;
  /** `delete`, `compact` or `compact,delete`; null when unknown. */
  cleanupPolicy: string | null;
}

const CONFIG_NAMES = ['retention.ms', 'retention.bytes', 'cleanup.policy'];

export async function describeRetention(
  client: KafkaClient,
  topics: readonly TopicName[],
): Promise<TopicRetention[]> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(client.topicName(topic)));
    const described =
      present.length === 0
        ? { resources: [] }
        : await admin.describeConfigs({
            includeSynonyms: false,
            resources: present.map((topic) => ({
              type: ConfigResourceTypes.TOPIC,
              name: client.topicName(topic),
              configNames: CONFIG_NAMES,
            })),
          });
    const byName = new Map(
      described.resources.map((resource) => [
        resource.resourceName,
        new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
      ]),
    );
    return topics.map((topic) => retentionOf(topic, byName.get(client.topicName(topic))));
  } finally {
    await admin.disconnect();
  }
}

function retentionOf(topic: TopicName, configs: Map<string, string> | undefined): TopicRetention {
  if (configs === undefined)
    return { topic, exists: false, retentionMs: null, retentionBytes: null, cleanupPolicy: null };
  return {
    topic,
    exists: true,
    retentionMs: limitOf(configs.get('retention.ms')),
    retentionBytes: limitOf(configs.get('retention.bytes')),
    cleanupPolicy: configs.get('cleanup.policy') ?? null,
  };
}

/** A broker limit: a non-negative number, or null for -1 (unlimited) and anything unreadable. */
function limitOf(value: string | undefined): number | null {
  const parsed = Number(value);
  return value === undefined || !Number.isFinite(parsed) || parsed < 0 ? null : parsed;
}
