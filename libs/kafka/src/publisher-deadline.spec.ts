import type { KafkaConfig } from '@recsys/config';
import { AppError } from '@recsys/contracts';
import type { Producer } from 'kafkajs';
import type { KafkaClient } from './kafka-client';
import { KafkaPublisher } from './publisher';

/** A producer whose sends never come back, as while the broker is down and kafkajs keeps retrying. */
function clientWithSilentBroker(): { client: KafkaClient; sendBatch: jest.Mock } {
  const sendBatch = jest.fn(() => new Promise<never>(() => undefined));
  const producer = {
    events: { DISCONNECT: 'producer.disconnect' },
    on: jest.fn(),
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    sendBatch,
  } as unknown as Producer;
  const client = {
    config: { compression: 'none' } as KafkaConfig,
    kafka: { producer: () => producer },
    topicName: (topic: string) => `t.${topic}`,
  } as unknown as KafkaClient;
  return { client, sendBatch };
}

const message = { key: 'u1', value: { schemaVersion: 1 } } as never;

describe('KafkaPublisher send timeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('bounds the whole wait of a caller queued behind an unanswered request, and then does not send it', async () => {
    const { client, sendBatch } = clientWithSilentBroker();
    const publisher = new KafkaPublisher(client, { sendTimeoutMs: 1_000, lingerMs: 0 });
    const settled: Record<string, string> = {};
    const start = Date.now();
    const track = (name: string, publish: Promise<unknown>) =>
      publish.catch((error: unknown) => {
        const code = error instanceof AppError ? error.code : String(error);
        settled[name] = `${code} after ${Date.now() - start} ms`;
      });

    const first = track('first', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(10);
    const second = track('second', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(10);
    const third = track('third', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(1_000);
    await Promise.all([first, second, third]);

    // Each caller waits one send timeout from its own call, not the timeouts of those ahead of it too.
    expect(settled).toEqual({
      first: 'KAFKA_UNAVAILABLE after 1000 ms',
      second: 'KAFKA_UNAVAILABLE after 1010 ms',
      third: 'KAFKA_UNAVAILABLE after 1020 ms',
    });
    await jest.advanceTimersByTimeAsync(5_000);
    // The second went out when the first timed out; the third expired while queued behind the second:
    // its caller was told 503, so it is never sent.
    expect(sendBatch).toHaveBeenCalledTimes(2);
  });
});
