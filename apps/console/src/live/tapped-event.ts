/**
 * What the console needs of a storefront event on `events.raw.v1`: its type, id and time, from the
 * CloudEvents headers every producer writes (`ce_type` `io.recsys.event.<type>.v1`, or the bare type of
 * messages written before that scheme). Messages without headers (written before every producer set
 * them, still on the topic within retention) are read from the value instead, by pattern rather than a
 * full JSON parse: these are the platform's own compact JSON messages, and only a type is needed.
 */
import { headerNames, storefrontEventTypeOfCloudEventType } from '@recsys/contracts';

export interface TappedEvent {
  eventType: string;
  eventId: string | undefined;
  /** When it happened on the client (ms), else when it was written to Kafka. */
  atMs: number;
  /** Message key: the feature store's user key (pseudonym) or anonymous id. */
  userKey: string | undefined;
}

const FIELD = (name: string) => new RegExp(`"${name}"\\s*:\\s*"([^"\\\\]{1,128})"`);
const EVENT_TYPE = FIELD('eventType');
const EVENT_ID = FIELD('eventId');
const TIMESTAMP = FIELD('timestamp');
const TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export function tappedEventOf(message: {
  key: string | undefined;
  headers: Record<string, string>;
  timestampMs: number;
  value?: string;
}): TappedEvent {
  const { headers, value } = message;
  const headerType = headers[headerNames.eventType];
  const type =
    headerType === undefined
      ? sniff(value, EVENT_TYPE)
      : storefrontEventTypeOfCloudEventType(headerType);
  const time = Date.parse(headers[headerNames.eventTime] ?? sniff(value, TIMESTAMP) ?? '');
  return {
    eventType: type !== undefined && TYPE_PATTERN.test(type) ? type : 'unknown',
    eventId: headers[headerNames.eventId] ?? sniff(value, EVENT_ID),
    atMs: Number.isFinite(time) ? time : message.timestampMs,
    userKey: message.key,
  };
}

/** Tap the value only where the headers do not say the type. */
export function needsValue(headers: Record<string, string>): boolean {
  return headers[headerNames.eventType] === undefined;
}

function sniff(value: string | undefined, pattern: RegExp): string | undefined {
  return value === undefined ? undefined : pattern.exec(value)?.[1];
}
