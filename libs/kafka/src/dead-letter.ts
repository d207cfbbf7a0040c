/** Builds dead-letter records: the one place that decides what a DLQ entry contains. */
import {
  DEAD_LETTER_PAYLOAD_MAX_CHARS,
  headerNames,
  type DeadLetterReason,
  type DeadLetterV1,
  type ErrorCode,
  type ValidationIssue,
} from '@recsys/contracts';
import type { OutgoingMessage } from './publisher';

export interface DeadLetterInput {
  reason: DeadLetterReason;
  code: ErrorCode;
  message: string;
  service: string;
  /** The original bytes or text; stored as text, truncated at 64 KiB. */
  payload: string;
  key?: string;
  issues?: ValidationIssue[];
  eventId?: string;
  eventType?: string;
  source?: { topic: string; partition: number; offset: string };
  retriable?: boolean;
}

export function deadLetterMessage(
  input: DeadLetterInput,
  now = new Date(),
): OutgoingMessage<'events.dlq.v1'> {
  return {
    key: input.key ?? input.eventId ?? input.reason,
    value: deadLetterValue(input, now),
    headers: deadLetterHeaders(input),
  };
}

function deadLetterValue(input: DeadLetterInput, now: Date): DeadLetterV1 {
  const truncated = input.payload.length > DEAD_LETTER_PAYLOAD_MAX_CHARS;
  return {
    schemaVersion: 1,
    reason: input.reason,
    code: input.code,
    message: input.message.slice(0, 2048),
    service: input.service,
    payload: truncated ? input.payload.slice(0, DEAD_LETTER_PAYLOAD_MAX_CHARS) : input.payload,
    payloadTruncated: truncated,
    failedAt: now.toISOString(),
    ...(input.issues ? { issues: input.issues.slice(0, 100) } : {}),
    ...(input.eventId !== undefined ? { eventId: input.eventId.slice(0, 256) } : {}),
    ...(input.eventType !== undefined ? { eventType: input.eventType.slice(0, 64) } : {}),
    ...(input.source ? { source: input.source } : {}),
  };
}

function deadLetterHeaders(input: DeadLetterInput): Record<string, string> {
  const headers: Record<string, string> = {
    [headerNames.errorCode]: input.code,
    [headerNames.errorRetriable]: String(input.retriable ?? false),
  };
  if (input.source) {
    headers[headerNames.sourceTopic] = input.source.topic;
    headers[headerNames.sourcePartition] = String(input.source.partition);
    headers[headerNames.sourceOffset] = input.source.offset;
  }
  return headers;
}
