/**
 * Validates storefront events against the contracts (the check compiled from them first, zod only for
 * an event that does not pass it: batch-check.ts) and writes the valid ones to `events.raw.v1`, keyed
 * by (pseudonymised) user so one user's events stay in order. Invalid events are reported back per index
 * and written to `events.dlq.v1` with a typed reason, so a batch loses nothing: accepted + rejected =
 * sent. No raw shopper id (user, anonymous or session id) leaves: accepted events and dead letters
 * carry pseudonyms (see pseudonymise.ts), each computed once per batch.
 * Resolves only after Kafka acknowledged; a Kafka failure surfaces as a retriable KAFKA_UNAVAILABLE.
 */
import { storefrontEventKey, storefrontEventSchema, type StorefrontEvent } from '@recsys/contracts';
import type { OutgoingMessage } from '@recsys/kafka';
import type { CollectorMetrics } from '../metrics/collector-metrics';
import { checkBatch, optional, textField, type Identity } from './batch-check';
import { compiledStorefrontEventCheck } from './compiled-check';
import type { IngestPublisher } from './ingest-publisher';
import type { IngestResult } from './ingest-response';
import { onceEach, pseudonymiseEvent, pseudonymiseIds, type Pseudonymiser } from './pseudonymise';

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
  private readonly compiledCheck = compiledStorefrontEventCheck();

  constructor(private readonly options: IngestEventsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async execute(events: unknown[]): Promise<IngestResult> {
    const now = this.now();
    const receivedAt = now.toISOString();
    const pseudonymise = onceEach(this.options.pseudonymise);
    const checked = checkBatch(events, {
      noun: 'event',
      schema: storefrontEventSchema,
      compiledCheck: this.compiledCheck,
      codes: { invalid: 'EVENT_INVALID', tooLarge: 'EVENT_TOO_LARGE' },
      maxBytes: this.options.limits.maxEventBytes,
      toMessage: (event) => toRawMessage(pseudonymiseEvent(event, pseudonymise, receivedAt)),
      identify: identityOfEvent,
      redact: (value) => pseudonymiseIds(value, pseudonymise),
      now,
    });
    await this.options.publisher.publish('events.raw.v1', checked.valid);
    await this.options.publisher.publish('events.dlq.v1', checked.deadLetters);
    const { eventsAccepted, eventsRejected } = this.options.metrics;
    for (const [eventType, count] of countBy(checked.valid, (message) => message.value.eventType)) {
      eventsAccepted.inc({ event_type: eventType }, count);
    }
    for (const [reason, count] of countBy(checked.rejected, (rejected) => rejected.reason)) {
      eventsRejected.inc({ reason }, count);
    }
    return { accepted: checked.valid.length, rejected: checked.rejected };
  }
}

/** How many entries have each key (metrics count a batch at once, not entry by entry). */
function countBy<T, K>(entries: readonly T[], keyOf: (entry: T) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const entry of entries) {
    const key = keyOf(entry);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
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
