import type { RawMessage } from '@recsys/kafka';
import { decodeEventMessage, type DecodeSettings } from './decode-event';

const NOW = Date.parse('2026-11-29T10:24:30.417Z');
const YEAR_MS = 365 * 86_400_000;
const settings: DecodeSettings = {
  service: 'preprocessor',
  checks: { maxFutureSkewMs: 300_000, maxAgeMs: 30 * 86_400_000 },
};

function messageOf(event: Record<string, unknown>, brokerTimeMs = NOW): RawMessage {
  return {
    topic: 'events.raw.v1',
    partition: 0,
    offset: '7',
    key: String(event['userId']),
    value: JSON.stringify(event),
    headers: {},
    timestamp: brokerTimeMs,
  };
}

const view = (overrides: Record<string, unknown>) => ({
  eventId: 'e-1',
  schemaVersion: 1,
  eventType: 'product_view',
  userId: 'u-1',
  sessionId: 's-1',
  timestamp: new Date(NOW - 60_000).toISOString(),
  itemId: 'sku-1',
  ...overrides,
});

describe('decodeEventMessage', () => {
  it('dead-letters a far-future event even when its receivedAt claims the same future (regression)', () => {
    // Counterexample of the poison property (seed 20261129): written straight to the topic, both times
    // in 2034; trusting receivedAt let it through and wrote the user's features dated 8 years ahead.
    const future = new Date(NOW + 8 * YEAR_MS).toISOString();
    const decoded = decodeEventMessage(
      messageOf(view({ timestamp: future, receivedAt: future })),
      settings,
    );
    expect(decoded).toMatchObject({
      kind: 'dead',
      deadLetter: { reason: 'timestamp_out_of_range', eventId: 'e-1' },
    });
  });

  it('still takes an import replaying history with its original receipt time', () => {
    const past = NOW - 2 * YEAR_MS;
    const decoded = decodeEventMessage(
      messageOf(
        view({
          timestamp: new Date(past - 60_000).toISOString(),
          receivedAt: new Date(past).toISOString(),
        }),
      ),
      settings,
    );
    expect(decoded).toMatchObject({ kind: 'event', receivedAtMs: past });
  });

  it('takes a receipt time slightly ahead of the broker within the allowed skew', () => {
    const receivedAt = NOW + 60_000;
    const decoded = decodeEventMessage(
      messageOf(
        view({
          timestamp: new Date(NOW).toISOString(),
          receivedAt: new Date(receivedAt).toISOString(),
        }),
      ),
      settings,
    );
    expect(decoded).toMatchObject({ kind: 'event', receivedAtMs: receivedAt });
  });
});
