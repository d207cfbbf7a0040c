/**
 * The CloudEvents headers of one outgoing message (binary mode of the Kafka protocol binding): the
 * payload's own attributes (libs/contracts `cloudEventAttributesOf`) completed with the writer's source,
 * a fresh id and the time of writing where the payload has none.
 */
import {
  CLOUD_EVENTS_SPEC_VERSION,
  cloudEventAttributesOf,
  headerNames,
  type TopicName,
} from '@recsys/contracts';

export interface CloudEventContext {
  /** `ce_source`: who wrote it (the service's Kafka client id). */
  source: string;
  /** A fresh id, for payloads without one of their own. */
  newId: () => string;
  /** The time of writing, for payloads without a time of their own. */
  now: () => Date;
}

/** Every header the platform promises on every message (the integration tests check for these). */
export const requiredCloudEventHeaders = [
  headerNames.contentType,
  headerNames.eventSpecVersion,
  headerNames.eventId,
  headerNames.eventType,
  headerNames.eventSource,
  headerNames.eventTime,
] as const;

export function cloudEventHeaders(
  topic: TopicName,
  payload: unknown,
  context: CloudEventContext,
): Record<string, string> {
  const attributes = cloudEventAttributesOf(topic, payload);
  return {
    [headerNames.contentType]: 'application/json',
    [headerNames.eventSpecVersion]: CLOUD_EVENTS_SPEC_VERSION,
    [headerNames.eventId]: attributes.id ?? context.newId(),
    [headerNames.eventType]: attributes.type,
    [headerNames.eventSource]: context.source,
    [headerNames.eventTime]: attributes.time ?? context.now().toISOString(),
    ...(attributes.subject === undefined ? {} : { [headerNames.eventSubject]: attributes.subject }),
  };
}

/**
 * The headers a message gets: the CloudEvents set, then the trace context and the caller's own headers
 * (which may set a more specific `ce_id`, `ce_time` or `ce_subject`), then — whatever the caller said —
 * the attributes that define the scheme: spec version, type, source and content type.
 */
export function messageHeaders(
  cloudEvent: Record<string, string>,
  ...extra: Array<Record<string, string> | undefined>
): Record<string, string> {
  const merged: Record<string, string> = { ...cloudEvent };
  for (const headers of extra) Object.assign(merged, headers);
  for (const name of [
    headerNames.contentType,
    headerNames.eventSpecVersion,
    headerNames.eventType,
    headerNames.eventSource,
  ]) {
    merged[name] = cloudEvent[name]!;
  }
  return merged;
}
