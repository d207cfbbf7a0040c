/**
 * Turns one raw `events.raw.v1` message into either a clean, normalised event or a dead letter with a
 * typed reason (not JSON, breaks the contract, fails a semantic check).
 */
import { storefrontEventSchema, toValidationIssues, type StorefrontEvent } from '@recsys/contracts';
import { checkEventSemantics, normaliseEvent, type SemanticCheckOptions } from '@recsys/features';
import type { DeadLetterInput, RawMessage } from '@recsys/kafka';

export type DecodedMessage =
  | { kind: 'event'; message: RawMessage; event: StorefrontEvent; receivedAtMs: number }
  | { kind: 'dead'; message: RawMessage; deadLetter: DeadLetterInput };

export interface DecodeSettings {
  service: string;
  checks: Omit<SemanticCheckOptions, 'receivedAtMs' | 'isKnownItem'>;
}

export function decodeEventMessage(message: RawMessage, settings: DecodeSettings): DecodedMessage {
  const base = {
    service: settings.service,
    payload: message.value,
    source: { topic: message.topic, partition: message.partition, offset: message.offset },
    ...(message.key !== undefined ? { key: message.key } : {}),
  };
  let json: unknown;
  try {
    json = JSON.parse(message.value);
  } catch {
    return dead(message, {
      ...base,
      reason: 'malformed_json',
      code: 'PAYLOAD_NOT_JSON',
      message: 'message value is not JSON',
    });
  }
  const parsed = storefrontEventSchema.safeParse(json);
  if (!parsed.success) {
    const issues = toValidationIssues(parsed.error);
    return dead(message, {
      ...base,
      reason: 'schema_violation',
      code: 'MESSAGE_INVALID',
      message: 'event breaks the events.raw.v1 contract',
      issues,
    });
  }
  const event = normaliseEvent(parsed.data);
  const receivedAtMs = receivedAtOf(event, message, settings);
  const check = checkEventSemantics(event, { ...settings.checks, receivedAtMs });
  if (!check.ok) {
    return dead(message, {
      ...base,
      reason: check.reason,
      code: 'EVENT_INVALID',
      message: check.message,
      eventId: event.eventId,
      eventType: event.eventType,
    });
  }
  return { kind: 'event', message, event, receivedAtMs };
}

/**
 * When the event reached the platform: its `receivedAt` (imports replay history with the original
 * receipt time), but never later than the broker stored the message (plus the allowed skew). A message
 * claiming a future receipt would otherwise pass the time checks with a matching future timestamp and
 * write features dated years ahead.
 */
function receivedAtOf(
  event: StorefrontEvent,
  message: RawMessage,
  settings: DecodeSettings,
): number {
  if (!event.receivedAt) return message.timestamp;
  return Math.min(
    Date.parse(event.receivedAt),
    message.timestamp + settings.checks.maxFutureSkewMs,
  );
}

function dead(message: RawMessage, deadLetter: DeadLetterInput): DecodedMessage {
  return { kind: 'dead', message, deadLetter };
}
