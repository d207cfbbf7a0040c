/**
 * `yoochoose-buys.dat`: one row per bought item (session, ISO time, item, price, quantity). Rows of one
 * session at the same instant are one checkout, so they become one purchase event with those lines.
 * The challenge marks an unknown price or quantity with 0: price stays 0 (counted), quantity becomes 1
 * (counted), because a purchase line needs a quantity of at least one.
 */
import type { DraftRecord } from '../records';
import {
  isPlausibleTimeMs,
  parseInteger,
  roundToCents,
  sourceId,
  stableId,
} from '../import/identity';
import { UNKNOWN_CURRENCY, envelopeOf, eventRecord, type ImportContext } from '../import/importer';
import { openTable, type TableRow } from '../io/lines';
import { YOOCHOOSE_PREFIX, yoochooseSessionId } from './yoochoose-ids';

const BUY_COLUMNS = ['session', 'timestamp', 'item', 'price', 'quantity'];

interface Checkout {
  session: string;
  timeMs: number;
  lines: Map<string, { quantity: number; price: number }>;
}

interface BuyRow {
  session: string;
  timeMs: number;
  itemId: string;
  price: number;
  quantity: number;
}

export async function* readYoochooseBuys(
  context: ImportContext,
  path: string,
): AsyncGenerator<DraftRecord> {
  context.report.file(path);
  context.report.note('YooChoose prices have no published currency: purchases use currency XXX.');
  const table = await openTable(path, { delimiter: ',', columns: BUY_COLUMNS });
  const checkouts = new Map<string, Checkout>();
  for await (const row of table.rows) {
    if (!context.takeRow()) break;
    const buy = buyOf(row);
    if (typeof buy === 'string') {
      context.report.skip(buy, row.at);
      continue;
    }
    if (buy.price === 0) context.report.adjust('buy price unknown (0): kept 0', row.at);
    if (buy.quantity === 0) context.report.adjust('buy quantity unknown (0): set to 1', row.at);
    addLine(checkouts, buy);
  }
  for (const checkout of checkouts.values()) yield purchaseOf(checkout);
}

function buyOf(row: TableRow): BuyRow | string {
  const [sessionText, timeText, itemText, priceText, quantityText] = row.fields;
  const session = sourceId(sessionText);
  const itemId = sourceId(itemText);
  const timeMs = Date.parse(timeText ?? '');
  const price = parseInteger(priceText);
  const quantity = parseInteger(quantityText);
  if (row.fields.length !== BUY_COLUMNS.length)
    return 'expected 5 fields: session, timestamp, item, price, quantity';
  if (session === undefined || itemId === undefined) return 'missing session or item id';
  if (!isPlausibleTimeMs(timeMs)) return 'unreadable timestamp';
  if (!(price >= 0) || !(quantity >= 0)) return 'price or quantity is not a non-negative integer';
  return { session, timeMs, itemId, price, quantity };
}

function addLine(checkouts: Map<string, Checkout>, buy: BuyRow): void {
  const key = `${buy.session}@${buy.timeMs}`;
  let checkout = checkouts.get(key);
  if (checkout === undefined) {
    checkout = { session: buy.session, timeMs: buy.timeMs, lines: new Map() };
    checkouts.set(key, checkout);
  }
  const quantity = Math.max(1, buy.quantity);
  const line = checkout.lines.get(buy.itemId);
  if (line === undefined) checkout.lines.set(buy.itemId, { quantity, price: buy.price });
  else line.quantity += quantity;
}

function purchaseOf(checkout: Checkout): DraftRecord {
  const sessionId = yoochooseSessionId(checkout.session);
  const eventId = stableId(YOOCHOOSE_PREFIX, ['o', checkout.session, checkout.timeMs]);
  const envelope = envelopeOf({
    eventId,
    timeMs: checkout.timeMs,
    anonymousId: sessionId,
    sessionId,
  });
  const items = [...checkout.lines].map(([itemId, line]) => ({ itemId, ...line }));
  const revenue = roundToCents(items.reduce((sum, line) => sum + line.quantity * line.price, 0));
  return eventRecord(
    {
      ...envelope,
      eventType: 'purchase',
      orderId: eventId,
      items,
      currency: UNKNOWN_CURRENCY,
      revenue,
    },
    checkout.timeMs,
  );
}
