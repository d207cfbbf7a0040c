/**
 * Validates storefront events against the contracts and writes the valid ones to `events.raw.v1`, keyed
 * by (pseudonymised) user so one user's events stay in order. Invalid events are reported back per index
 * and written to `events.dlq.v1` with a typed reason, so a batch loses nothing: accepted + rejected =
 * sent. No raw shopper id (user, anonymous or session id) leaves: accepted events and dead letters
 * carry pseudonyms (see pseudonymise.ts).
 * Resolves only after Kafka acknowledged; a Kafka failure surfaces as a retriable KAFKA_UNAVAILABLE.
 */
import { storefrontEventKey, storefrontEventSchema, type StorefrontEvent } from '@recsys/contracts';
import type { OutgoingMessage } from '@recsys/kafka';
import type { CollectorMetrics } from '../metrics/collector-metrics';
import { checkBatch, optional, textField, type Identity } from './batch-check';
import type { IngestPublisher } from './ingest-publisher';
import type { IngestResult } from './ingest-response';
import { pseudonymiseEvent, pseudonymiseIds, type Pseudonymiser } from './pseudonymise';

export interface IngestEventsOptions {
  publisher: IngestPublisher;
  limits: { maxEventBytes: number };
  pseudonymise: Pseudonymiser;
  metrics: CollectorMetrics;
  /** @default () => new Date() */
  now?: () => Date;
}

export class IngestEventsUseCase {
  private readonly now: () => Date;

  constructor(private readonly options: IngestEventsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async execute(events: unknown[]): Promise<IngestResult> {
    const now = this.now();
    const receivedAt = now.toISOString();
    const { pseudonymise } = this.options;
    const checked = checkBatch(events, {
      noun: 'event',
      schema: storefrontEventSchema,
      codes: { invalid: 'EVENT_INVALID', tooLarge: 'EVENT_TOO_LARGE' },
      maxBytes: this.options.limits.maxEventBytes,
      toMessage: (event) => toRawMessage(pseudonymiseEvent({ ...event, receivedAt }, pseudonymise)),
      identify: identityOfEvent,
      redact: (value) => pseudonymiseIds(value, pseudonymise),
      now,
    });
    await this.options.publisher.publish('events.raw.v1', checked.valid);
    await this.options.publisher.publish('events.dlq.v1', checked.deadLetters);
    for (const message of checked.valid) {
      this.options.metrics.eventsAccepted.inc({ event_type: message.value.eventType });
    }
    for (const rejected of checked.rejected) {
      this.options.metrics.eventsRejected.inc({ reason: rejected.reason });
    }
    return { accepted: checked.valid.length, rejected: checked.rejected };
  }
}

/** The publisher adds the CloudEvents headers (ce_id = eventId, ce_time = timestamp). */
function toRawMessage(event: StorefrontEvent): OutgoingMessage<'events.raw.v1'> {
  return { key: storefrontEventKey(event), value: event };
}

/** Best-effort identity of an invalid (already pseudonymised) event, so its dead letter is searchable. */
function identityOfEvent(event: unknown): Identity {
  const eventId = textField(event, 'eventId');
  return {
    reference: optional('eventId', eventId),
    deadLetter: {
      ...optional('eventId', eventId),
      ...optional('eventType', textField(event, 'eventType')),
      ...optional('key', textField(event, 'userId') ?? textField(event, 'anonymousId')),
    },
  };
}
