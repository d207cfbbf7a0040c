import type { KafkaClient, KafkaPublisher, PublishListener } from '@recsys/kafka';
import { deadLetterMessage } from '@recsys/kafka';
import { createMetricsRegistry } from './metrics';
import { registerKafkaMetrics } from './metrics-kafka';

/** A client whose admin answers from fixed offsets (or fails), without a broker. */
function fakeClient(admin: { fail?: boolean; committed: string }): KafkaClient {
  return {
    consumedGroups: [{ groupId: 'prep', topic: 'events.raw.v1', fromBeginning: true }],
    topicName: (topic: string) => `p.${topic}`,
    kafka: {
      admin: () => ({
        connect: async () => undefined,
        disconnect: async () => undefined,
        fetchTopicOffsets: async () => {
          if (admin.fail) throw new Error('broker gone');
          return [
            { partition: 0, low: '0', high: '50', offset: '50' },
            { partition: 1, low: '0', high: '7', offset: '7' },
          ];
        },
        fetchOffsets: async () => [
          {
            topic: 'p.events.raw.v1',
            partitions: [
              { partition: 0, offset: admin.committed },
              { partition: 1, offset: '7' },
            ],
          },
        ],
      }),
    },
  } as unknown as KafkaClient;
}

describe('registerKafkaMetrics', () => {
  it('exposes the lag of the service groups per partition when scraped', async () => {
    const registry = createMetricsRegistry({ serviceName: 'svc', collectProcessMetrics: false });
    const admin = { committed: '20' };
    registerKafkaMetrics(registry, { client: fakeClient(admin), lagMaxAgeMs: 0 });
    const text = await registry.metrics();
    expect(text).toContain(
      'kafka_consumer_group_lag{group="prep",topic="events.raw.v1",partition="0",service="svc"} 30',
    );
    expect(text).toContain(
      'kafka_consumer_group_lag{group="prep",topic="events.raw.v1",partition="1",service="svc"} 0',
    );
    admin.committed = '45';
    expect(await registry.metrics()).toContain('partition="0",service="svc"} 5');
  });

  it('drops the lag series and counts the failure when Kafka cannot be read, telling once', async () => {
    const registry = createMetricsRegistry({ serviceName: 'svc', collectProcessMetrics: false });
    const admin = { committed: '20', fail: false };
    const told: unknown[] = [];
    registerKafkaMetrics(registry, {
      client: fakeClient(admin),
      lagMaxAgeMs: 0,
      onLagUnavailable: (error) => told.push(error),
    });
    expect(await registry.metrics()).toContain('kafka_consumer_group_lag{');
    admin.fail = true;
    await registry.metrics();
    const text = await registry.metrics();
    expect(text).not.toContain('kafka_consumer_group_lag{');
    expect(text).toContain('kafka_consumer_group_lag_read_errors_total{service="svc"} 2');
    expect(told).toHaveLength(1);
  });

  it('counts acknowledged messages by topic and dead letters by reason and code', async () => {
    const registry = createMetricsRegistry({ serviceName: 'svc', collectProcessMetrics: false });
    let listener: PublishListener | undefined;
    const publisher = {
      onPublished: (added: PublishListener) => (listener = added),
    } as unknown as KafkaPublisher;
    registerKafkaMetrics(registry, { publisher });
    const dead = (
      reason: 'schema_violation' | 'unknown_item',
      code: 'MESSAGE_INVALID' | 'EVENT_INVALID',
    ) => deadLetterMessage({ reason, code, message: 'm', service: 's', payload: '{}' });
    listener!('events.dlq.v1', [
      dead('schema_violation', 'MESSAGE_INVALID'),
      dead('schema_violation', 'MESSAGE_INVALID'),
      dead('unknown_item', 'EVENT_INVALID'),
    ]);
    const text = await registry.metrics();
    expect(text).toContain('kafka_messages_published_total{topic="events.dlq.v1",service="svc"} 3');
    expect(text).toContain(
      'kafka_dead_letters_total{reason="schema_violation",code="MESSAGE_INVALID",service="svc"} 2',
    );
    expect(text).toContain(
      'kafka_dead_letters_total{reason="unknown_item",code="EVENT_INVALID",service="svc"} 1',
    );
  });
});
