/**
 * The unit every importer, the synthetic generator and the JSONL files deal in: one contract-valid
 * storefront event or one catalogue item upsert. A record that reaches a caller has passed its zod schema.
 */
import {
  itemUpsertedV1Schema,
  storefrontEventSchema,
  type ItemUpsertedV1,
  type StorefrontEvent,
} from '@recsys/contracts';

export type DatasetRecord =
  { kind: 'event'; event: StorefrontEvent } | { kind: 'item'; item: ItemUpsertedV1 };

/** Events and items whose fields are complete except for what the import pipeline fills in. */
type WithoutSession<T> = T extends unknown ? Omit<T, 'sessionId'> & { sessionId?: string } : never;

/** An event before sessionisation: datasets without sessions leave `sessionId` to the pipeline. */
export type EventDraft = WithoutSession<StorefrontEvent>;

/** An item before its snapshot time is known: catalogue files without dates get the first event's time. */
export type ItemDraft = Omit<ItemUpsertedV1, 'updatedAt'> & { updatedAt?: string };

export type DraftRecord =
  | { kind: 'event'; event: EventDraft; timeMs: number }
  | { kind: 'item'; item: ItemDraft; timeMs?: number };

/** The instant a record happened: the event's timestamp, or the item's `updatedAt`. */
export function recordTimeMs(record: DatasetRecord): number {
  return Date.parse(record.kind === 'event' ? record.event.timestamp : record.item.updatedAt);
}

export type RecordValidation = { ok: true; record: DatasetRecord } | { ok: false; reason: string };

/** Checks a record against its contract; the reason names the first failing field, for counting. */
export function validateRecord(candidate: {
  kind: 'event' | 'item';
  value: unknown;
}): RecordValidation {
  if (candidate.kind === 'event') {
    const parsed = storefrontEventSchema.safeParse(candidate.value);
    if (parsed.success) return { ok: true, record: { kind: 'event', event: parsed.data } };
    return { ok: false, reason: `${eventTypeOf(candidate.value)}: ${firstIssue(parsed.error)}` };
  }
  const parsed = itemUpsertedV1Schema.safeParse(candidate.value);
  if (parsed.success) return { ok: true, record: { kind: 'item', item: parsed.data } };
  return { ok: false, reason: `item: ${firstIssue(parsed.error)}` };
}

function eventTypeOf(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'eventType' in value) {
    return String(value.eventType);
  }
  return 'event';
}

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.map(String).join('.');
  return `${path === '' ? '(record)' : path} ${issue.message}`.slice(0, 200);
}
