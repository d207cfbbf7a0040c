import { AppError } from '@recsys/contracts';
import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import { isBrokerUnreachable, SEND_TIMEOUT_REASON } from './broker-failure';

describe('isBrokerUnreachable', () => {
  const refused = new KafkaJSConnectionError(
    'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
  );

  it('is true for connection errors and request timeouts, however deeply wrapped', () => {
    expect(isBrokerUnreachable(refused)).toBe(true);
    expect(isBrokerUnreachable(new KafkaJSRequestTimeoutError('Request Produce timed out'))).toBe(
      true,
    );
    const retriesOut = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 1 });
    expect(isBrokerUnreachable(retriesOut)).toBe(true);
    const wrapped = new AppError('KAFKA_UNAVAILABLE', 'publishing failed', { cause: retriesOut });
    expect(isBrokerUnreachable(wrapped)).toBe(true);
    expect(isBrokerUnreachable(Object.assign(new Error('socket'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
  });

  it('is true for the publisher’s own send timeout', () => {
    const timeout = new AppError('KAFKA_UNAVAILABLE', 'not acknowledged in time', {
      details: { reason: SEND_TIMEOUT_REASON },
    });
    expect(isBrokerUnreachable(timeout)).toBe(true);
  });

  it('is false for failures of one request or its payload', () => {
    const tooLarge = new KafkaJSProtocolError('The request included a message larger than allowed');
    expect(isBrokerUnreachable(tooLarge)).toBe(false);
    expect(
      isBrokerUnreachable(
        new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 5, retryTime: 1 }),
      ),
    ).toBe(false);
    expect(isBrokerUnreachable(new AppError('EVENT_INVALID', 'eventType: invalid'))).toBe(false);
    expect(isBrokerUnreachable(new AppError('KAFKA_UNAVAILABLE', 'unknown topic'))).toBe(false);
    expect(isBrokerUnreachable(new TypeError('Converting circular structure to JSON'))).toBe(false);
    expect(isBrokerUnreachable('ECONNREFUSED')).toBe(false);
  });
});
