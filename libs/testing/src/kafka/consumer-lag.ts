/**
 * Where a consumer group stands on a topic, read with a plain kafkajs admin of its own: per partition the
 * committed offset and the log end. A partition "keeps moving" when its committed offset reaches the end.
 */
import { Kafka, logLevel } from 'kafkajs';

export interface PartitionPosition {
  partition: number;
  /** The group's committed offset (the next message it will read); -1 when it never committed. */
  committed: number;
  /** The log end offset (one past the last message). */
  end: number;
}

export async function consumerGroupPositions(options: {
  brokers: string[];
  groupId: string;
  topic: string;
}): Promise<PartitionPosition[]> {
  const kafka = new Kafka({
    clientId: 'test-lag',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(options.topic);
    const [committed] = await admin.fetchOffsets({
      groupId: options.groupId,
      topics: [options.topic],
    });
    return ends
      .map(({ partition, high }) => ({
        partition,
        committed: Number(
          committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? -1,
        ),
        end: Number(high),
      }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}
