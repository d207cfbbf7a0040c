/**
 * Every message the typed publisher writes carries the full CloudEvents header set, whatever the topic
 * and whatever headers its caller set: golden payloads of every topic are published — some with a
 * caller's own headers, one with an outdated bare `ce_type` — and every topic is read back raw.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicNames, type PayloadOf, type TopicName } from '@recsys/contracts';
import {
  integrationEnvironment,
  readAllRecords,
  recordsWithoutCloudEventHeaders,
  testKafkaConfig,
  testNamespace,
} from '@recsys/testing';
import { KafkaClient, KafkaPublisher } from '../src';

const FIXTURES = join(__dirname, '../../contracts/src/__fixtures__/valid');
const FIXTURE_OF: Record<TopicName, string> = {
  'events.raw.v1': 'product-view',
  'events.dlq.v1': 'dead-letter',
  'catalog.items.v1': 'item-upserted',
  'features.updated.v2': 'features-updated.v2',
  'training.examples.v2': 'training-examples.v2',
  'models.published.v1': 'model-published',
  'recommendations.requests.v1': 'recommendation-request',
  'recommendations.v1': 'recommendation-response',
  'privacy.erasures.v1': 'user-erased',
};

/** `dead-letter` → `dead-letter.v1`; a name with its version (`training-examples.v2`) as it is. */
const fixtureFile = (name: string): string => (/\.v\d+$/.test(name) ? name : `${name}.v1`);

function golden<T extends TopicName>(topic: T): PayloadOf<T> {
  return JSON.parse(
    readFileSync(join(FIXTURES, `${fixtureFile(FIXTURE_OF[topic])}.json`), 'utf8'),
  ) as PayloadOf<T>;
}

describe('CloudEvents headers on every topic', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('cloud-events');
  const client = new KafkaClient(testKafkaConfig(environment.kafkaBrokers, namespace, 'ce-test'));
  const publisher = new KafkaPublisher(client);

  beforeAll(async () => {
    await client.ensureTopics(topicNames.map((topic) => ({ topic, partitions: 1 })));
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
  });

  it('writes the full header set on every message, with the reverse-DNS type', async () => {
    for (const topic of topicNames) {
      await publisher.publish(topic, [
        { key: 'k-1', value: golden(topic) },
        { key: 'k-2', value: golden(topic), headers: { ce_type: 'page_view', 'x-extra': 'kept' } },
      ]);
    }
    for (const topic of topicNames) {
      const records = await readAllRecords({
        brokers: environment.kafkaBrokers,
        topic: client.topicName(topic),
      });
      expect(records).toHaveLength(2);
      expect(recordsWithoutCloudEventHeaders(topic, records)).toEqual([]);
      for (const record of records) {
        expect(record.headers['ce_type']).toMatch(/^io\.recsys\.[a-z_.]+\.v\d+$/);
        expect(record.headers['ce_specversion']).toBe('1.0');
        expect(record.headers['ce_source']).toBe(client.config.clientId);
      }
      expect(records[1]!.headers['x-extra']).toBe('kept');
    }
  });
});
