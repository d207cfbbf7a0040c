/**
 * The reference arm of the consuming benches: what reading a topic costs with kafkajs and nothing else.
 */
import type { KafkaClient } from '@recsys/kafka';
import { waitFor } from '@recsys/testing';

/**
 * The reference arm: a bare kafkajs consumer (own group, from the beginning, no parsing, no Redis)
 * reading the same preloaded topic, with its CPU (this process, which does nothing else meanwhile).
 */
export async function measureRawConsumer(
  kafka: KafkaClient,
  total: number,
  groupId: string,
): Promise<{ eventsPerSecond: number; cpuMicrosPerEvent: number }> {
  const consumer = kafka.kafka.consumer({ groupId });
  await consumer.connect();
  let read = 0;
  let first: { atMs: number; cpu: NodeJS.CpuUsage; read: number } | undefined;
  let last: { atMs: number; cpu: NodeJS.CpuUsage } | undefined;
  try {
    await consumer.subscribe({ topic: kafka.topicName('events.raw.v1'), fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        first ??= { atMs: Date.now(), cpu: process.cpuUsage(), read };
        read += batch.messages.length;
        if (read >= total) last ??= { atMs: Date.now(), cpu: process.cpuUsage() };
      },
    });
    await waitFor(() => last, {
      description: `the raw consumer to read ${total} events`,
      timeoutMs: 300_000,
      intervalMs: 20,
    });
  } finally {
    await consumer.disconnect();
  }
  const counted = total - first!.read;
  const seconds = (last!.atMs - first!.atMs) / 1_000;
  return {
    eventsPerSecond: counted / seconds,
    cpuMicrosPerEvent:
      (last!.cpu.user + last!.cpu.system - first!.cpu.user - first!.cpu.system) / counted,
  };
}
