import { physicalTopicName, type PageViewV1 } from '@recsys/contracts';
import { integrationEnvironment, readTopic, testKafkaConfig, testNamespace } from '@recsys/testing';
import { KafkaClient, KafkaPublisher } from '../src';

/** A page view padded to about 2 KB, like a training example with its sequence and features. */
function largeEvent(index: number): PageViewV1 {
  return {
    eventId: `large-${index}`,
    schemaVersion: 1,
    eventType: 'page_view',
    userId: `u-${index % 7}`,
    sessionId: 's-1',
    timestamp: '2026-11-28T10:00:00.000Z',
    pageType: 'home',
    properties: { padding: 'x'.repeat(2_000) },
  };
}

describe('KafkaPublisher with sends larger than the broker accepts in one request', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('publisher-large');
  const client = new KafkaClient(testKafkaConfig(environment.kafkaBrokers, namespace, 'large'));
  const publisher = new KafkaPublisher(client);

  beforeAll(async () => {
    await client.ensureTopics([{ topic: 'events.raw.v1', partitions: 3 }]);
    await publisher.connect();
  });

  afterAll(() => publisher.disconnect());

  it('splits them into requests under the broker limit and delivers every message once, in key order', async () => {
    // 2,500 × 2 KB = 5 MB in one call, plus a concurrent call: both share the linger window.
    const first = Array.from({ length: 2_500 }, (_, index) => largeEvent(index));
    const second = Array.from({ length: 500 }, (_, index) => largeEvent(2_500 + index));
    const toMessages = (events: PageViewV1[]) =>
      events.map((value) => ({ key: value.userId!, value }));
    const [firstAcks, secondAcks] = await Promise.all([
      publisher.publish('events.raw.v1', toMessages(first)),
      publisher.publish('events.raw.v1', toMessages(second)),
    ]);
    expect(firstAcks.length).toBeGreaterThan(0);
    expect(secondAcks.length).toBeGreaterThan(0);

    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('events.raw.v1', namespace.topicPrefix),
      count: 3_000,
      timeoutMs: 60_000,
    });
    const ids = records.map((record) => (JSON.parse(record.value) as PageViewV1).eventId);
    expect(new Set(ids).size).toBe(3_000);
    // Per key (one partition each), the order of the sends is kept.
    const ofUser = records
      .map((record) => JSON.parse(record.value) as PageViewV1)
      .filter((event) => event.userId === 'u-3')
      .map((event) => Number(event.eventId.split('-')[1]));
    expect(ofUser).toEqual([...ofUser].sort((a, b) => a - b));
  });
});
