/**
 * RetailRocket as filtered by CaseRec (Arthur Fortes): `view_ecommerce.dat`, `add_to_cart_ecommerce.dat`,
 * `purchase_ecommerce.dat`, tab-separated `visitorid itemid event(=1)`, ids re-numbered, and **no
 * timestamps**. The contract needs an instant, so times are synthesised deterministically and every
 * such event says so (`properties.timestampSynthetic = true`); do not use them for time-based splits.
 */
import type { DraftRecord, EventDraft } from '../records';
import { findFile } from '../import/files';
import { fnv1a, sourceId, stableId } from '../import/identity';
import { UNKNOWN_CURRENCY, envelopeOf, eventRecord, type ImportContext } from '../import/importer';
import { openTable, type TableRow } from '../io/lines';

const PREFIX = 'rrc';

type CaseRecKind = 'view' | 'cart' | 'purchase';

export interface CaseRecFiles {
  view: string | undefined;
  cart: string | undefined;
  purchase: string | undefined;
}

// The original RetailRocket log spans 2015-05-03..2015-09-18; each visitor's synthetic history starts at
// a point of that window chosen by a hash of the visitor id, and steps one minute per interaction, in
// the order view file, cart file, purchase file (so a visitor's funnel reads view → cart → purchase).
const WINDOW_START_MS = Date.UTC(2015, 4, 3);
const WINDOW_MINUTES = 138 * 24 * 60;
const STEP_MS = 60_000;

export function caseRecFiles(folder: {
  dir: string;
  files: readonly string[];
}): CaseRecFiles | undefined {
  const files = {
    view: findFile(folder, ['view_ecommerce.dat']),
    cart: findFile(folder, ['add_to_cart_ecommerce.dat']),
    purchase: findFile(folder, ['purchase_ecommerce.dat']),
  };
  const anyPresent =
    files.view !== undefined || files.cart !== undefined || files.purchase !== undefined;
  return anyPresent ? files : undefined;
}

export async function* readCaseRec(
  context: ImportContext,
  files: CaseRecFiles,
): AsyncGenerator<DraftRecord> {
  context.report.note(
    'CaseRec layout has no timestamps: event times are synthesised (one minute apart per visitor, ' +
      'visitors spread over 2015-05-03..2015-09-18) and marked properties.timestampSynthetic=true.',
  );
  context.report.note(
    'CaseRec layout has no prices and no transaction ids: each purchase row is one order priced 0 XXX.',
  );
  const steps = new Map<string, number>();
  for (const kind of ['view', 'cart', 'purchase'] as const) {
    const path = files[kind];
    if (path === undefined) continue;
    context.report.file(path);
    const table = await openTable(path, { delimiter: '\t' });
    const columns = { visitor: table.column('visitorid'), item: table.column('itemid') };
    for await (const row of table.rows) {
      if (!context.takeRow()) return;
      const mapped = caseRecRowOf({ row, columns, kind, steps });
      if (typeof mapped === 'string') context.report.skip(mapped, row.at);
      else yield mapped;
    }
  }
}

function caseRecRowOf(input: {
  row: TableRow;
  columns: { visitor: number; item: number };
  kind: CaseRecKind;
  steps: Map<string, number>;
}): DraftRecord | string {
  const { row, columns, kind, steps } = input;
  const userId = sourceId(row.fields[columns.visitor]);
  const itemId = sourceId(row.fields[columns.item]);
  if (userId === undefined || itemId === undefined) return 'missing visitorid or itemid';
  const step = steps.get(userId) ?? 0;
  steps.set(userId, step + 1);
  const timeMs = WINDOW_START_MS + (fnv1a(userId) % WINDOW_MINUTES) * 60_000 + step * STEP_MS;
  const eventId = stableId(PREFIX, [kind, userId, itemId, row.lineNumber]);
  const envelope = envelopeOf({
    eventId,
    timeMs,
    userId,
    properties: { timestampSynthetic: true },
  });
  return eventRecord(caseRecEvent({ envelope, kind, itemId, orderId: eventId }), timeMs);
}

function caseRecEvent(input: {
  envelope: ReturnType<typeof envelopeOf>;
  kind: CaseRecKind;
  itemId: string;
  orderId: string;
}): EventDraft {
  const { envelope, itemId } = input;
  switch (input.kind) {
    case 'view':
      return { ...envelope, eventType: 'product_view', itemId };
    case 'cart':
      return {
        ...envelope,
        eventType: 'add_to_cart',
        itemId,
        quantity: 1,
        price: 0,
        currency: UNKNOWN_CURRENCY,
      };
    case 'purchase':
      return {
        ...envelope,
        eventType: 'purchase',
        orderId: input.orderId,
        items: [{ itemId, quantity: 1, price: 0 }],
        currency: UNKNOWN_CURRENCY,
        revenue: 0,
      };
  }
}
