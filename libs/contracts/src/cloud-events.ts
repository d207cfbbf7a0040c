/**
 * The CloudEvents attributes every message the platform writes carries, as Kafka headers in binary mode
 * (`ce_specversion`, `ce_id`, `ce_type`, `ce_source`, `ce_time`, `content-type`, and `ce_subject` where
 * a message is about one thing). The typed publisher in libs/kafka adds them to every message, so no
 * producer can forget them; this module says, per topic, where each attribute comes from.
 *
 * `ce_type` scheme: `io.recsys.<contract>.v<major>`, reverse-DNS under `io.recsys`, with the contract's
 * name as in its file (`io.recsys.item_upserted.v1`, `io.recsys.dead_letter.v1`); storefront events
 * are `io.recsys.event.<eventType>.v<schemaVersion>` (`io.recsys.event.page_view.v1`). Messages written
 * before this scheme carry a bare event type (`page_view`) or no headers at all: readers go through
 * `storefrontEventTypeOfCloudEventType`, which accepts both forms.
 *
 * `ce_id` is the payload's own id where it has one (stable across retries and replays, so a consumer
 * can drop a duplicate by (`ce_source`, `ce_id`)), else a fresh UUID; `ce_time` is the payload's own
 * time where it has one, else the time of writing.
 */
import type { TopicName } from './topics';

export const CLOUD_EVENTS_SPEC_VERSION = '1.0';
export const CLOUD_EVENT_TYPE_NAMESPACE = 'io.recsys';

type Fields = Readonly<Record<string, unknown>>;

interface CloudEventSource {
  type: (payload: Fields) => string;
  /** The payload's own id, if it has one. */
  id?: (payload: Fields) => string | undefined;
  /** Payload field holding the time the message is about (ISO 8601). */
  timeField?: string;
  /** Payload field naming the one thing the message is about. */
  subjectField?: string;
}

/** What a payload says about its CloudEvents attributes; the publisher supplies the rest. */
export interface CloudEventAttributes {
  type: string;
  id?: string;
  time?: string;
  subject?: string;
}

const STOREFRONT_TYPE = /^io\.recsys\.event\.([a-z][a-z0-9_]{0,63})\.v[0-9]+$/;
const BARE_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

/** `io.recsys.<contract>.v<major>` */
export function cloudEventType(contract: string, major = 1): string {
  return `${CLOUD_EVENT_TYPE_NAMESPACE}.${contract}.v${major}`;
}

/** `io.recsys.event.<eventType>.v<schemaVersion>` */
export function storefrontCloudEventType(eventType: string, schemaVersion = 1): string {
  return cloudEventType(`event.${eventType}`, schemaVersion);
}

/**
 * The storefront event type (`page_view`) a `ce_type` header names: the reverse-DNS form, or the bare
 * type older messages carry. Undefined for anything else (another contract's type, garbage).
 */
export function storefrontEventTypeOfCloudEventType(
  ceType: string | undefined,
): string | undefined {
  if (ceType === undefined) return undefined;
  const match = STOREFRONT_TYPE.exec(ceType);
  if (match) return match[1];
  return BARE_TYPE.test(ceType) ? ceType : undefined;
}

function text(payload: Fields, field: string): string | undefined {
  const value = payload[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const fixed =
  (contract: string, major = 1) =>
  () =>
    cloudEventType(contract, major);
const idField = (field: string) => (payload: Fields) => text(payload, field);

const sources: { [T in TopicName]: CloudEventSource } = {
  'events.raw.v1': {
    type: (payload) =>
      storefrontCloudEventType(
        text(payload, 'eventType') ?? 'unknown',
        typeof payload['schemaVersion'] === 'number' ? payload['schemaVersion'] : 1,
      ),
    id: idField('eventId'),
    timeField: 'timestamp',
  },
  // One event can be dead-lettered more than once (by different services): each letter its own id.
  'events.dlq.v1': { type: fixed('dead_letter'), timeField: 'failedAt', subjectField: 'eventId' },
  'catalog.items.v1': {
    type: fixed('item_upserted'),
    // The same item state always gets the same id, so consumers can drop replays.
    id: (payload) => joined(payload, ['itemId', 'updatedAt'], '@'),
    timeField: 'updatedAt',
    subjectField: 'itemId',
  },
  'features.updated.v2': {
    type: fixed('features_updated', 2),
    id: idField('batchId'),
    timeField: 'updatedAt',
  },
  'training.examples.v2': {
    type: fixed('training_examples', 2),
    id: idField('batchId'),
    timeField: 'writtenAt',
  },
  'models.published.v1': {
    type: fixed('model_published'),
    // A version can be promoted again (a rollback): the promotion time tells the two apart.
    id: (payload) => joined(payload, ['modelName', 'version', 'publishedAt'], '@'),
    timeField: 'publishedAt',
    subjectField: 'modelName',
  },
  'recommendations.requests.v1': {
    type: fixed('recommendation_request'),
    id: idField('requestId'),
    timeField: 'requestedAt',
  },
  'recommendations.v1': {
    type: (payload) =>
      cloudEventType('error' in payload ? 'recommendation_error' : 'recommendation_response'),
    id: idField('requestId'),
    timeField: 'generatedAt',
  },
  'privacy.erasures.v1': {
    type: fixed('user_erased'),
    id: idField('requestId'),
    timeField: 'erasedAt',
  },
};

function joined(payload: Fields, fields: string[], separator: string): string | undefined {
  const parts = fields.map((field) => text(payload, field));
  return parts.every((part) => part !== undefined) ? parts.join(separator) : undefined;
}

/** The attributes a payload of `topic` gives; absent `id` / `time` are the publisher's to fill in. */
export function cloudEventAttributesOf(topic: TopicName, payload: unknown): CloudEventAttributes {
  const fields: Fields = typeof payload === 'object' && payload !== null ? (payload as Fields) : {};
  const source = sources[topic];
  const id = source.id?.(fields);
  const time = source.timeField === undefined ? undefined : text(fields, source.timeField);
  const subject = source.subjectField === undefined ? undefined : text(fields, source.subjectField);
  return {
    type: source.type(fields),
    ...(id === undefined ? {} : { id }),
    ...(time === undefined ? {} : { time }),
    ...(subject === undefined ? {} : { subject }),
  };
}
