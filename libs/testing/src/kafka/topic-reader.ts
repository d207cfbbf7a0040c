/**
 * Reads what is really on a topic with a plain kafkajs consumer of its own, independent of libs/kafka,
 * so integration tests check the broker's contents rather than our adapter's view of them.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

export interface ReadRecord {
  key: string | null;
  value: string;
  json: unknown;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

export interface ReadTopicOptions {
  brokers: string[];
  topic: string;
  /** Resolve as soon as this many records arrived. */
  count: number;
  /** Resolve as soon as this holds instead (`count` then only names the goal in the timeout message). */
  until?: (records: readonly ReadRecord[]) => boolean;
  /** @default 20000 */
  timeoutMs?: number;
}

export async function readTopic(options: ReadTopicOptions): Promise<ReadRecord[]> {
  const kafka = new Kafka({
    clientId: 'test-reader',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `reader-${randomBytes(6).toString('hex')}` });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${records.length}/${options.count} records from ${options.topic} before timeout`,
            ),
          ),
        options.timeoutMs ?? 20_000,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            records.push(toRecord(partition, message));
            if (options.until?.(records) ?? records.length >= options.count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

function toRecord(partition: number, { offset, key, value, headers }: KafkaMessage): ReadRecord {
  const text = value?.toString('utf8') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const flatHeaders: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(headers ?? {})) {
    if (headerValue !== undefined)
      flatHeaders[name] = String(Array.isArray(headerValue) ? headerValue[0] : headerValue);
  }
  return {
    key: key?.toString('utf8') ?? null,
    value: text,
    json,
    headers: flatHeaders,
    partition,
    offset,
  };
}

/** Writes raw bytes to a topic (for poison-message tests that must bypass our typed publisher). */
export async function writeRawMessages(options: {
  brokers: string[];
  topic: string;
  messages: { key: string; value: string }[];
}): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-writer',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    await producer.send({ topic: options.topic, messages: options.messages });
  } finally {
    await producer.disconnect();
  }
}

/** Every record on a topic right now (an absent topic has none). */
export async function readAllRecords(options: {
  brokers: string[];
  topic: string;
  timeoutMs?: number;
}): Promise<ReadRecord[]> {
  const kafka = new Kafka({
    clientId: 'test-reader',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let count = 0;
  try {
    if (!(await admin.listTopics()).includes(options.topic)) return [];
    const offsets = await admin.fetchTopicOffsets(options.topic);
    count = offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  } finally {
    await admin.disconnect();
  }
  if (count === 0) return [];
  return readTopic({ ...options, count });
}

/** The CloudEvents headers every message the platform writes must carry (libs/kafka adds them). */
export const CLOUD_EVENT_HEADER_NAMES = [
  'content-type',
  'ce_specversion',
  'ce_id',
  'ce_type',
  'ce_source',
  'ce_time',
] as const;

/** The records lacking one of CLOUD_EVENT_HEADER_NAMES, with what they lack (for a readable failure). */
export function recordsWithoutCloudEventHeaders(
  topic: string,
  records: readonly ReadRecord[],
): Array<{ topic: string; offset: string; partition: number; missing: string[] }> {
  return records
    .map((record) => ({
      topic,
      offset: record.offset,
      partition: record.partition,
      missing: CLOUD_EVENT_HEADER_NAMES.filter((name) => !record.headers[name]),
    }))
    .filter((entry) => entry.missing.length > 0);
}
