import type { KafkaConfig } from '@recsys/config';
import { AppError } from '@recsys/contracts';
import { KafkaJSConnectionError, KafkaJSProtocolError, type Producer } from 'kafkajs';
import type { KafkaClient } from './kafka-client';
import { KafkaPublisher } from './publisher';

/**
 * A producer whose sends the test settles by hand (a send to a dead broker fails when kafkajs' retries
 * run out; a healthy one acknowledges), and a metadata probe the test answers.
 */
function scriptedBroker() {
  const sends: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const sendBatch = jest.fn(
    () =>
      new Promise((resolve, reject) => {
        sends.push({ resolve: () => resolve([]), reject });
      }),
  );
  let healthy = false;
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
    isHealthy: jest.fn(async () => healthy),
  } as unknown as KafkaClient;
  return {
    client,
    sendBatch,
    /** Settles the oldest send still open. */
    next: () => sends.shift()!,
    setHealthy: (value: boolean) => {
      healthy = value;
    },
  };
}

const message = { key: 'u1', value: { schemaVersion: 1 } } as never;

/** Settles a publish into `<outcome> after <ms>` so the test reads when each caller was answered. */
function tracker(start: number) {
  const settled: Record<string, string> = {};
  const track = (name: string, publish: Promise<unknown>) =>
    publish.then(
      () => {
        settled[name] = `ok after ${Date.now() - start} ms`;
      },
      (error: unknown) => {
        const circuit = error instanceof AppError && error.details['circuit'] === 'open';
        const code = error instanceof AppError ? error.code : (error as Error).name;
        settled[name] = `${code}${circuit ? ' (circuit open)' : ''} after ${Date.now() - start} ms`;
      },
    );
  return { settled, track };
}

describe('KafkaPublisher circuit breaker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function publisherOn(broker: ReturnType<typeof scriptedBroker>) {
    return new KafkaPublisher(broker.client, {
      sendTimeoutMs: 10_000,
      lingerMs: 0,
      circuitBreaker: { probeIntervalMs: 500 },
    });
  }

  it('answers every waiting and every new caller at once after the first connection error', async () => {
    const broker = scriptedBroker();
    const publisher = publisherOn(broker);
    const { settled, track } = tracker(Date.now());

    const first = track('first', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(100);
    const queued = track('queued', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(2_900);
    broker.next().reject(new KafkaJSConnectionError('connect ECONNREFUSED 127.0.0.1:9092'));
    await jest.advanceTimersByTimeAsync(0);
    const later = track('later', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(0);
    await Promise.all([first, queued, later]);

    expect(settled).toEqual({
      first: 'KAFKA_UNAVAILABLE after 3000 ms',
      // Not the 10 s send timeout: the queued caller is told the moment the breaker opens.
      queued: 'KAFKA_UNAVAILABLE (circuit open) after 3000 ms',
      later: 'KAFKA_UNAVAILABLE (circuit open) after 3000 ms',
    });
    expect(publisher.circuit?.state).toBe('open');
    // The queued send is never sent: its caller was answered 503.
    expect(broker.sendBatch).toHaveBeenCalledTimes(1);
  });

  it('opens at a send timeout too, and closes as soon as the probe reaches the broker', async () => {
    const broker = scriptedBroker();
    const publisher = publisherOn(broker);
    const { settled, track } = tracker(Date.now());

    const silent = track('silent', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(9_999);
    expect(settled).toEqual({});
    await jest.advanceTimersByTimeAsync(1);
    await silent;
    expect(settled['silent']).toBe('KAFKA_UNAVAILABLE after 10000 ms');
    expect(publisher.circuit?.state).toBe('open');

    // Broker still down: the probe fails and the breaker stays open.
    await jest.advanceTimersByTimeAsync(500);
    expect(publisher.circuit?.state).toBe('open');
    broker.setHealthy(true);
    await jest.advanceTimersByTimeAsync(500);
    expect(publisher.circuit?.state).toBe('closed');

    const after = track('after', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(0);
    broker.next(); // the timed-out send, still unanswered
    broker.next().resolve();
    await after;
    expect(settled['after']).toBe('ok after 11000 ms');
  });

  it('stays closed when one request fails for its own reasons', async () => {
    const broker = scriptedBroker();
    const publisher = publisherOn(broker);
    const { settled, track } = tracker(Date.now());

    const tooLarge = track('tooLarge', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(0);
    broker.next().reject(new KafkaJSProtocolError('message larger than the server accepts'));
    await tooLarge;
    const next = track('next', publisher.publish('events.raw.v1', [message]));
    await jest.advanceTimersByTimeAsync(0);
    broker.next().resolve();
    await next;

    expect(settled).toEqual({
      tooLarge: 'KAFKA_UNAVAILABLE after 0 ms',
      next: 'ok after 0 ms',
    });
    expect(publisher.circuit?.state).toBe('closed');
  });
});
