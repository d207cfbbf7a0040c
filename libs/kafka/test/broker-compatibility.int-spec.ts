/**
 * Proves the broker the project runs (tools/kafka.sh: Apache Kafka 3.9 KRaft) speaks the protocol
 * versions kafkajs 2.2.4 uses: idempotent produce, consumer-group join/sync/heartbeat, fetch, and offset
 * commit + fetch. Kafka 4.0 removed several of these old versions (KIP-896); this test is what would
 * catch a broker upgrade that breaks the client.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { integrationEnvironment, testNamespace, waitFor } from '@recsys/testing';

const MESSAGES = 60;

describe('kafkajs 2.2.4 against the local broker', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('broker-compat');
  const topic = `${namespace.topicPrefix}.compat`;
  const groupId = namespace.groupId('compat');
  const kafka = new Kafka({
    clientId: 'compat',
    brokers: environment.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const consumers: Consumer[] = [];

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
  });

  async function committedTotal(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    return committed[0]!.partitions.reduce(
      (sum, partition) => sum + Math.max(0, Number(partition.offset)),
      0,
    );
  }

  /** Consumes until `expected` messages arrived and the group committed `committedAfter` offsets. */
  async function consumeAll(expected: number, committedAfter: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId, heartbeatInterval: 500 });
    consumers.push(consumer);
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommitInterval: 100,
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
      },
    });
    await waitFor(() => (seen.length >= expected ? true : undefined), {
      description: `${expected} messages`,
    });
    await waitFor(async () => ((await committedTotal()) === committedAfter ? true : undefined), {
      description: `committed offsets to reach ${committedAfter}`,
    });
    await consumer.disconnect();
    return seen;
  }

  it('creates a partitioned topic and reports the broker API versions', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('produces with the idempotent producer and acks from all replicas', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const results = await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: MESSAGES }, (_, index) => ({
        key: `user-${index % 7}`,
        value: `m-${index}`,
      })),
    });
    await producer.disconnect();
    expect(results.every((result) => result.errorCode === 0)).toBe(true);
  });

  it('consumes every message in a consumer group and commits the offsets', async () => {
    const seen = await consumeAll(MESSAGES, MESSAGES);
    expect(new Set(seen).size).toBe(MESSAGES);
    expect(await committedTotal()).toBe(MESSAGES);
  });

  it('resumes the group from its committed offsets: only new messages are delivered', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'user-1', value: 'after-commit' }] });
    await producer.disconnect();
    const seen = await consumeAll(1, MESSAGES + 1);
    expect(seen).toEqual(['after-commit']);
  });
});
