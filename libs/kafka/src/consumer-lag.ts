/**
 * Consumer lag of this deployment's consumer groups: for every group that committed offsets on one of
 * the registry's topics (under the deployment prefix), end offset − committed offset per partition.
 * Read with the admin API (one listing, one describe, one offset fetch per group and per topic), so it
 * is measured from outside the consumers and covers groups whose members are down.
 */
import type { Admin } from 'kafkajs';
import { topicNames, type TopicName } from '@recsys/contracts';
import { partitionLags } from './group-lag';
import type { KafkaClient } from './kafka-client';

export interface PartitionLag {
  partition: number;
  /** null: the group has committed nothing on this partition (every retained message counts). */
  committedOffset: string | null;
  endOffset: string;
  lag: number;
}

export interface TopicLag {
  topic: TopicName;
  lag: number;
  partitions: PartitionLag[];
}

export interface GroupLag {
  groupId: string;
  /** The broker's state of the group: Stable, Empty, PreparingRebalance, Dead, … */
  state: string;
  members: number;
  totalLag: number;
  topics: TopicLag[];
}

export interface ConsumerLagOptions {
  /** Most groups examined (a shared test cluster can hold thousands). @default 200 */
  maxGroups?: number;
}

interface TopicEnds {
  topic: TopicName;
  physical: string;
  ends: Map<number, { high: string; low: string }>;
}

/** Lag of every consumer group of this deployment, largest first. */
export async function measureConsumerLag(
  client: KafkaClient,
  options: ConsumerLagOptions = {},
): Promise<GroupLag[]> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = topicNames
      .map((topic) => ({ topic, physical: client.topicName(topic) }))
      .filter(({ physical }) => existing.has(physical));
    const groups = await deploymentGroups(
      admin,
      client.config.topicPrefix,
      options.maxGroups ?? 200,
    );
    if (groups.length === 0 || topics.length === 0) return [];
    const ends = await Promise.all(topics.map((topic) => topicEnds(admin, topic)));
    const lags = await Promise.all(groups.map((group) => groupLag(admin, group, ends)));
    return lags
      .filter((lag): lag is GroupLag => lag !== undefined)
      .sort((a, b) => b.totalLag - a.totalLag || a.groupId.localeCompare(b.groupId));
  } finally {
    await admin.disconnect();
  }
}

/** Consumer groups; under a topic prefix only those named after it (`<prefix>.<service>`, as the services default to). */
async function deploymentGroups(
  admin: Admin,
  topicPrefix: string,
  maxGroups: number,
): Promise<Array<{ groupId: string; state: string; members: number }>> {
  const listed = (await admin.listGroups()).groups
    .filter((group) => group.protocolType === 'consumer' || group.protocolType === '')
    .map((group) => group.groupId)
    .filter((groupId) => groupId.startsWith(topicPrefix))
    .sort()
    .slice(0, maxGroups);
  if (listed.length === 0) return [];
  const described = await admin.describeGroups(listed);
  return described.groups.map((group) => ({
    groupId: group.groupId,
    state: group.state,
    members: group.members.length,
  }));
}

async function topicEnds(
  admin: Admin,
  topic: { topic: TopicName; physical: string },
): Promise<TopicEnds> {
  const offsets = await admin.fetchTopicOffsets(topic.physical);
  return {
    ...topic,
    ends: new Map(offsets.map((entry) => [entry.partition, { high: entry.high, low: entry.low }])),
  };
}

async function groupLag(
  admin: Admin,
  group: { groupId: string; state: string; members: number },
  ends: TopicEnds[],
): Promise<GroupLag | undefined> {
  const committed = await admin.fetchOffsets({
    groupId: group.groupId,
    topics: ends.map((topic) => topic.physical),
  });
  const topics = committed.flatMap((entry) => {
    const topic = ends.find((candidate) => candidate.physical === entry.topic);
    if (topic === undefined || entry.partitions.every((partition) => partition.offset === '-1'))
      return [];
    return [topicLagOf(topic, group.groupId, entry.partitions)];
  });
  if (topics.length === 0) return undefined;
  return { ...group, totalLag: topics.reduce((sum, topic) => sum + topic.lag, 0), topics };
}

/**
 * Lag per partition as group-lag.ts computes it for the metrics; a group's start position is not known
 * from outside, so an uncommitted partition counts whole (as for a group reading from the beginning).
 */
function topicLagOf(
  topic: TopicEnds,
  groupId: string,
  committed: Array<{ partition: number; offset: string }>,
): TopicLag {
  const ends = [...topic.ends.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, end]) => ({ partition, ...end }));
  const lags = partitionLags({
    group: { groupId, topic: topic.topic, fromBeginning: true },
    ends,
    committed,
  });
  const partitions = ends.map((end, index): PartitionLag => {
    const offset = committed.find((entry) => entry.partition === end.partition)?.offset ?? '-1';
    return {
      partition: end.partition,
      committedOffset: offset === '-1' ? null : offset,
      endOffset: end.high,
      lag: lags[index]?.lag ?? 0,
    };
  });
  return {
    topic: topic.topic,
    lag: partitions.reduce((sum, partition) => sum + partition.lag, 0),
    partitions,
  };
}
