/**
 * The observer capabilities on a real broker: the header tap hands over keys, headers and (only where
 * asked) values, starting from a point in time; consumer lag is end − committed per partition, and a
 * partition a group never committed counts whole.
 */
import { headerNames } from '@recsys/contracts';
import {
  integrationEnvironment,
  testKafkaConfig,
  testNamespace,
  waitFor,
  writeRawMessages,
} from '@recsys/testing';
import {
  KafkaClient,
  KafkaHeaderTap,
  KafkaPublisher,
  measureConsumerLag,
  type TappedMessage,
} from '../src';
import { pageView } from './page-view';

describe('KafkaHeaderTap and measureConsumerLag on a real broker', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('tap-lag');
  const client = new KafkaClient(testKafkaConfig(environment.kafkaBrokers, namespace, 'tap-test'));
  const publisher = new KafkaPublisher(client);
  const taps: KafkaHeaderTap[] = [];

  beforeAll(async () => {
    await client.ensureTopics([{ topic: 'events.raw.v1', partitions: 2 }]);
    await publisher.connect();
  });

  afterAll(async () => {
    await Promise.all(taps.map((tap) => tap.stop()));
    await publisher.disconnect();
  });

  const send = (ids: string[], headers: (id: string) => Record<string, string>) =>
    publisher.publish(
      'events.raw.v1',
      ids.map((id) => ({ key: `k-${id}`, value: pageView(id), headers: headers(id) })),
    );

  it('taps headers from a point in time, values only where asked, and measures its lag', async () => {
    await send(['old-1', 'old-2'], (id) => ({
      [headerNames.eventType]: 'page_view',
      [headerNames.eventId]: id,
    }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sinceMs = Date.now();
    await send(['new-1', 'new-2'], (id) => ({ [headerNames.eventId]: id }));
    // Written without headers, as before every producer set them (the typed publisher always does).
    await writeRawMessages({
      brokers: environment.kafkaBrokers,
      topic: client.topicName('events.raw.v1'),
      messages: [{ key: 'k-new-3', value: JSON.stringify(pageView('new-3')) }],
    });
    const seen: TappedMessage[] = [];
    const tap = new KafkaHeaderTap(client, {
      groupId: namespace.groupId('tap'),
      topics: [
        {
          topic: 'events.raw.v1',
          sinceMs,
          withValues: (headers) => headers[headerNames.eventType] === undefined,
        },
      ],
      onMessages: (messages) => seen.push(...messages),
    });
    taps.push(tap);
    await tap.start();
    expect(tap.isRunning).toBe(true);
    await waitFor(async () => (seen.length >= 3 ? true : undefined), {
      description: 'the three messages after sinceMs',
      timeoutMs: 30_000,
    });
    expect(seen.map((message) => message.key).sort()).toEqual(['k-new-1', 'k-new-2', 'k-new-3']);
    const withoutType = seen.find((message) => message.key === 'k-new-3')!;
    expect(withoutType.value).toContain('"eventId":"new-3"');
    const typed = seen.find((message) => message.key === 'k-new-1')!;
    expect(typed.value).toBeUndefined();
    expect(typed.headers[headerNames.eventType]).toBe('io.recsys.event.page_view.v1');
    expect(
      seen.every((message) => message.topic === 'events.raw.v1' && message.timestampMs > 0),
    ).toBe(true);

    // The tap commits as it goes: its lag drops to zero; a group that committed nothing is not listed.
    const lag = await waitFor(
      async () => {
        const groups = await measureConsumerLag(client);
        const own = groups.find((group) => group.groupId === namespace.groupId('tap'));
        return own !== undefined && own.totalLag === 0 ? own : undefined;
      },
      { description: "the tap's committed offsets", timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(lag.topics).toHaveLength(1);
    expect(lag.topics[0]!.partitions.map((partition) => partition.partition)).toEqual([0, 1]);
    expect(lag.state).toBe('Stable');
    expect(lag.members).toBe(1);
  });

  it('counts a stopped group’s lag from its committed offsets', async () => {
    await taps[0]!.stop();
    taps.length = 0;
    await send(['later-1', 'later-2', 'later-3', 'later-4'], () => ({
      [headerNames.eventType]: 'page_view',
    }));
    const groups = await measureConsumerLag(client);
    const stopped = groups.find((group) => group.groupId === namespace.groupId('tap'))!;
    expect(stopped.state).toBe('Empty');
    expect(stopped.totalLag).toBe(4);
    expect(stopped.topics[0]!.partitions.reduce((sum, partition) => sum + partition.lag, 0)).toBe(
      4,
    );
  });
});
