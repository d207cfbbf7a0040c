/**
 * `train-purchases.csv`: one row per bought item; rows sharing an `ordernumber` are one order, emitted as
 * one purchase event at the order's earliest row. Quantities are not published: each row is one unit
 * (a repeated item adds one).
 */
import type { DraftRecord } from '../records';
import { roundToCents, stableId } from '../import/identity';
import { UNKNOWN_CURRENCY, envelopeOf, eventRecord, type ImportContext } from '../import/importer';
import type { DigineticaCatalogue } from './diginetica-catalogue';
import { DIGINETICA_PREFIX, digineticaIdentity, type DigineticaRow } from './diginetica-rows';

interface PendingOrder {
  orderId: string;
  first: DigineticaRow;
  timeframeMs: number;
  quantities: Map<string, number>;
}

export function* digineticaPurchases(input: {
  rows: readonly DigineticaRow[];
  starts: ReadonlyMap<string, number>;
  catalogue: DigineticaCatalogue;
  context: ImportContext;
}): Generator<DraftRecord> {
  const orders = new Map<string, PendingOrder>();
  for (const row of input.rows) {
    const problem = addRow(orders, row);
    if (problem !== undefined) input.context.report.skip(problem, row.at);
  }
  for (const order of orders.values()) {
    const timeMs = (input.starts.get(order.first.session) ?? order.first.dayMs) + order.timeframeMs;
    yield purchaseOf({ order, timeMs, context: input.context, catalogue: input.catalogue });
  }
}

function addRow(orders: Map<string, PendingOrder>, row: DigineticaRow): string | undefined {
  const orderId = row.orderId ?? '';
  const order = orders.get(orderId);
  if (order === undefined) {
    orders.set(orderId, {
      orderId,
      first: row,
      timeframeMs: row.timeframeMs,
      quantities: new Map([[row.itemId, 1]]),
    });
    return undefined;
  }
  if (order.first.session !== row.session) return 'ordernumber reused by another session';
  order.timeframeMs = Math.min(order.timeframeMs, row.timeframeMs);
  order.quantities.set(row.itemId, (order.quantities.get(row.itemId) ?? 0) + 1);
  return undefined;
}

function purchaseOf(input: {
  order: PendingOrder;
  timeMs: number;
  context: ImportContext;
  catalogue: DigineticaCatalogue;
}): DraftRecord {
  const { order, context, catalogue, timeMs } = input;
  const eventId = stableId(DIGINETICA_PREFIX, ['o', order.orderId]);
  const items = [...order.quantities].map(([itemId, quantity]) => {
    const price = catalogue.prices.get(itemId);
    // Without products.csv every price is unknown, which the report already notes once.
    if (price === undefined && catalogue.prices.size > 0) {
      context.report.adjust('item missing from products.csv: price 0', order.first.at);
    }
    return { itemId, quantity, price: price ?? 0 };
  });
  const revenue = roundToCents(items.reduce((sum, line) => sum + line.quantity * line.price, 0));
  return eventRecord(
    {
      ...envelopeOf({ eventId, timeMs, ...digineticaIdentity(order.first) }),
      eventType: 'purchase',
      orderId: order.orderId,
      items,
      currency: UNKNOWN_CURRENCY,
      revenue,
    },
    timeMs,
  );
}
