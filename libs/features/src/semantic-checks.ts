/**
 * Checks the schema cannot express: an event must have happened in a plausible time range relative to
 * when it was received, and items it names must exist when the deployment requires a known catalogue.
 * Failures are values (the preprocessor dead-letters them with the reason), not exceptions.
 */
import type { DeadLetterReason, StorefrontEvent } from '@recsys/contracts';
import { itemIdsOf } from './event-items';

export interface SemanticCheckOptions {
  /** Reference time: when the collector received the event. */
  receivedAtMs: number;
  /** Events stamped further in the future than this are refused (client clock skew). */
  maxFutureSkewMs: number;
  /** Events older than this are refused (replays of very old data must raise it). */
  maxAgeMs: number;
  /** When set, items not in the catalogue are refused. */
  isKnownItem?: (itemId: string) => boolean;
}

export type SemanticCheckResult =
  { ok: true } | { ok: false; reason: DeadLetterReason; message: string };

export function checkEventSemantics(
  event: StorefrontEvent,
  options: SemanticCheckOptions,
): SemanticCheckResult {
  const timestampMs = Date.parse(event.timestamp);
  if (timestampMs > options.receivedAtMs + options.maxFutureSkewMs) {
    return { ok: false, reason: 'timestamp_out_of_range', message: 'timestamp is in the future' };
  }
  if (timestampMs < options.receivedAtMs - options.maxAgeMs) {
    return {
      ok: false,
      reason: 'timestamp_out_of_range',
      message: 'timestamp is older than the accepted age',
    };
  }
  if (hasNegativeAmount(event))
    return { ok: false, reason: 'negative_price', message: 'an amount is negative' };
  const unknown = options.isKnownItem
    ? itemIdsOf(event).find((itemId) => !options.isKnownItem!(itemId))
    : undefined;
  if (unknown !== undefined)
    return {
      ok: false,
      reason: 'unknown_item',
      message: `item ${unknown} is not in the catalogue`,
    };
  return { ok: true };
}

/** The schema already refuses negative prices; this guards events that reach Kafka by other paths. */
function hasNegativeAmount(event: StorefrontEvent): boolean {
  const record = event as unknown as Record<string, unknown>;
  const lines = Array.isArray(record['items'])
    ? (record['items'] as Array<Record<string, unknown>>)
    : [];
  const amounts = [record['price'], record['revenue'], ...lines.map((line) => line['price'])];
  return amounts.some((amount) => typeof amount === 'number' && amount < 0);
}
