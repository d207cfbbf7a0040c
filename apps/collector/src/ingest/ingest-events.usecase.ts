/**
 * Validates storefront events against the contracts and writes the valid ones to `events.raw.v1`, keyed
 * by user so one user's events stay in order. Invalid events are reported back per index and written to
 * `events.dlq.v1` with a typed reason, so a batch loses nothing: accepted + rejected = sent.
 * Resolves only after Kafka acknowledged; a Kafka failure surfaces as a retriable KAFKA_UNAVAILABLE.
 */
import {
  headerNames,
  storefrontEventKey,
  storefrontEventSchema,
  toValidationIssues,
  type DeadLetterReason,
  type ErrorCode,
  type StorefrontEvent,
  type ValidationIssue,
} from '@recsys/contracts';
import { deadLetterMessage, type OutgoingMessage } from '@recsys/kafka';
import { COLLECTOR_SERVICE_NAME } from '../config';

export interface RejectedEvent {
  index: number;
  eventId?: string;
  code: ErrorCode;
  reason: DeadLetterReason;
  message: string;
  issues?: ValidationIssue[];
}

export interface IngestResult {
  accepted: number;
  rejected: RejectedEvent[];
}

/** What the use case needs from Kafka: the publisher's typed publish, nothing more. */
export interface IngestPublisher {
  publish(topic: 'events.raw.v1', messages: OutgoingMessage<'events.raw.v1'>[]): Promise<unknown>;
  publish(topic: 'events.dlq.v1', messages: OutgoingMessage<'events.dlq.v1'>[]): Promise<unknown>;
}

interface Checked {
  valid: OutgoingMessage<'events.raw.v1'>[];
  rejected: RejectedEvent[];
  deadLetters: OutgoingMessage<'events.dlq.v1'>[];
}

export class IngestEventsUseCase {
  constructor(
    private readonly publisher: IngestPublisher,
    private readonly limits: { maxEventBytes: number },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(events: unknown[]): Promise<IngestResult> {
    const receivedAt = this.now().toISOString();
    const checked: Checked = { valid: [], rejected: [], deadLetters: [] };
    events.forEach((event, index) => this.check({ event, index, receivedAt }, checked));
    await this.publisher.publish('events.raw.v1', checked.valid);
    await this.publisher.publish('events.dlq.v1', checked.deadLetters);
    return { accepted: checked.valid.length, rejected: checked.rejected };
  }

  private check(
    { event, index, receivedAt }: { event: unknown; index: number; receivedAt: string },
    checked: Checked,
  ): void {
    const text = JSON.stringify(event) ?? 'null';
    if (Buffer.byteLength(text) > this.limits.maxEventBytes) {
      const message = `event is larger than ${this.limits.maxEventBytes} bytes`;
      this.reject(checked, {
        index,
        text,
        event,
        code: 'EVENT_TOO_LARGE',
        reason: 'too_large',
        message,
      });
      return;
    }
    const parsed = storefrontEventSchema.safeParse(event);
    if (!parsed.success) {
      const issues = toValidationIssues(parsed.error);
      const message = 'event does not match its schema';
      this.reject(checked, {
        index,
        text,
        event,
        code: 'EVENT_INVALID',
        reason: 'schema_violation',
        message,
        issues,
      });
      return;
    }
    checked.valid.push(toRawMessage({ ...parsed.data, receivedAt }));
  }

  private reject(
    checked: Checked,
    rejection: Omit<RejectedEvent, 'eventId'> & { text: string; event: unknown },
  ): void {
    const { text, event, ...rejected } = rejection;
    const identity = identityOf(event);
    checked.rejected.push({
      ...rejected,
      ...(identity.eventId ? { eventId: identity.eventId } : {}),
    });
    checked.deadLetters.push(
      deadLetterMessage(
        {
          reason: rejected.reason,
          code: rejected.code,
          message: `event #${rejected.index}: ${rejected.message}`,
          service: COLLECTOR_SERVICE_NAME,
          payload: text,
          ...(rejected.issues ? { issues: rejected.issues } : {}),
          ...identity,
        },
        this.now(),
      ),
    );
  }
}

function toRawMessage(event: StorefrontEvent): OutgoingMessage<'events.raw.v1'> {
  return {
    key: storefrontEventKey(event),
    value: event,
    headers: {
      [headerNames.eventId]: event.eventId,
      [headerNames.eventType]: event.eventType,
      [headerNames.eventSource]: COLLECTOR_SERVICE_NAME,
      [headerNames.eventSpecVersion]: '1.0',
      [headerNames.eventTime]: event.timestamp,
    },
  };
}

/** Best-effort identity of an invalid event, so its dead letter is keyed and searchable. */
function identityOf(event: unknown): { eventId?: string; eventType?: string; key?: string } {
  if (typeof event !== 'object' || event === null) return {};
  const record = event as Record<string, unknown>;
  const text = (value: unknown) =>
    typeof value === 'string' && value.length > 0 ? value.slice(0, 256) : undefined;
  const eventId = text(record['eventId']);
  const eventType = text(record['eventType']);
  const key = text(record['userId']) ?? text(record['anonymousId']);
  return {
    ...(eventId !== undefined ? { eventId } : {}),
    ...(eventType !== undefined ? { eventType } : {}),
    ...(key !== undefined ? { key } : {}),
  };
}
