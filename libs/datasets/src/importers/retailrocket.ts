/**
 * RetailRocket (Kaggle `retailrocket/ecommerce-dataset`), original layout: `events.csv`
 * (timestamp ms, visitorid, event view|addtocart|transaction, itemid, transactionid), `category_tree.csv`
 * (categoryid, parentid) and `item_properties_part1/2.csv` (timestamp, itemid, property, value), of which
 * only the unhashed properties `categoryid` and `available` are used. The filtered CaseRec copy, which has
 * no timestamps, is read by `retailrocket-caserec.ts`.
 */
import type { DraftRecord } from '../records';
import { filesMatching, findFile, listFiles } from '../import/files';
import { parseInteger, sourceId, stableId } from '../import/identity';
import {
  UNKNOWN_CURRENCY,
  envelopeOf,
  eventRecord,
  type DatasetImporter,
  type ImportContext,
} from '../import/importer';
import { DatasetFormatError, openTable, readFirstLine, type TableRow } from '../io/lines';
import { caseRecFiles, readCaseRec } from './retailrocket-caserec';
import { readItemProperties } from './retailrocket-items';

const PREFIX = 'rr';

export const retailRocketImporter: DatasetImporter = {
  name: 'retailrocket',
  layouts:
    'Kaggle (events.csv, category_tree.csv, item_properties_part*.csv) or CaseRec (view_ecommerce.dat, add_to_cart_ecommerce.dat, purchase_ecommerce.dat)',
  async detect(dir) {
    const folder = { dir, files: await listFiles(dir) };
    const events = findFile(folder, ['events.csv']);
    if (events !== undefined) return (await readFirstLine(events))?.includes('visitorid') === true;
    return caseRecFiles(folder) !== undefined;
  },
  async *read(context) {
    const folder = { dir: context.dir, files: await listFiles(context.dir) };
    const events = findFile(folder, ['events.csv']);
    if (events !== undefined) {
      yield* readKaggleEvents(context, events);
      yield* readItemProperties(context, {
        tree: findFile(folder, ['category_tree.csv']),
        properties: filesMatching(folder, /^item_properties.*\.csv(\.gz)?$/),
      });
      return;
    }
    const caseRec = caseRecFiles(folder);
    if (caseRec === undefined)
      throw new DatasetFormatError(`${context.dir}: no RetailRocket files`);
    yield* readCaseRec(context, caseRec);
  },
};

interface KaggleColumns {
  time: number;
  visitor: number;
  event: number;
  item: number;
  transaction: number;
}

interface PendingOrder {
  orderId: string;
  userId: string;
  timeMs: number;
  quantities: Map<string, number>;
}

async function* readKaggleEvents(
  context: ImportContext,
  path: string,
): AsyncGenerator<DraftRecord> {
  context.report.file(path);
  context.report.note(
    'RetailRocket publishes no prices (hashed properties): cart and purchase prices are 0 in currency XXX.',
  );
  const table = await openTable(path, { delimiter: ',' });
  const columns: KaggleColumns = {
    time: table.column('timestamp'),
    visitor: table.column('visitorid'),
    event: table.column('event'),
    item: table.column('itemid'),
    transaction: table.column('transactionid'),
  };
  const orders = new Map<string, PendingOrder>();
  for await (const row of table.rows) {
    if (!context.takeRow()) break;
    const mapped = kaggleRowOf(row, columns);
    if (typeof mapped === 'string') context.report.skip(mapped, row.at);
    else if ('orderLine' in mapped)
      addOrderLine({ orders, line: mapped.orderLine, context, at: row.at });
    else yield mapped;
  }
  for (const order of orders.values()) yield purchaseOf(order);
}

interface OrderLine {
  orderId: string;
  userId: string;
  itemId: string;
  timeMs: number;
}

function kaggleRowOf(
  row: TableRow,
  columns: KaggleColumns,
): DraftRecord | { orderLine: OrderLine } | string {
  const timeMs = parseInteger(row.fields[columns.time]);
  const userId = sourceId(row.fields[columns.visitor]);
  const itemId = sourceId(row.fields[columns.item]);
  const event = row.fields[columns.event];
  if (!Number.isFinite(timeMs)) return 'timestamp is not epoch milliseconds';
  if (userId === undefined || itemId === undefined) return 'missing visitorid or itemid';
  const base = { timeMs, userId, itemId };
  switch (event ?? '') {
    case 'view':
      return viewOf(base);
    case 'addtocart':
      return addToCartOf(base);
    case 'transaction': {
      const orderId = sourceId(row.fields[columns.transaction]);
      return orderId === undefined
        ? 'transaction without transactionid'
        : { orderLine: { ...base, orderId } };
    }
    default:
      return `unknown event "${String(event).slice(0, 32)}"`;
  }
}

interface Interaction {
  timeMs: number;
  userId: string;
  itemId: string;
}

function viewOf(row: Interaction): DraftRecord {
  const eventId = stableId(PREFIX, ['view', row.userId, row.itemId, row.timeMs]);
  const envelope = envelopeOf({ eventId, timeMs: row.timeMs, userId: row.userId });
  return eventRecord({ ...envelope, eventType: 'product_view', itemId: row.itemId }, row.timeMs);
}

function addToCartOf(row: Interaction): DraftRecord {
  const eventId = stableId(PREFIX, ['cart', row.userId, row.itemId, row.timeMs]);
  const envelope = envelopeOf({ eventId, timeMs: row.timeMs, userId: row.userId });
  return eventRecord(
    {
      ...envelope,
      eventType: 'add_to_cart',
      itemId: row.itemId,
      quantity: 1,
      price: 0,
      currency: UNKNOWN_CURRENCY,
    },
    row.timeMs,
  );
}

/** One purchase per transaction id: its rows are the order lines (a repeated item adds quantity). */
function addOrderLine(input: {
  orders: Map<string, PendingOrder>;
  line: OrderLine;
  context: ImportContext;
  at: string;
}): void {
  const { orders, line } = input;
  const order = orders.get(line.orderId);
  if (order === undefined) {
    const quantities = new Map([[line.itemId, 1]]);
    orders.set(line.orderId, {
      orderId: line.orderId,
      userId: line.userId,
      timeMs: line.timeMs,
      quantities,
    });
    return;
  }
  if (order.userId !== line.userId) {
    input.context.report.skip('transactionid reused by another visitor', input.at);
    return;
  }
  order.timeMs = Math.min(order.timeMs, line.timeMs);
  order.quantities.set(line.itemId, (order.quantities.get(line.itemId) ?? 0) + 1);
}

function purchaseOf(order: PendingOrder): DraftRecord {
  const eventId = stableId(PREFIX, ['order', order.orderId]);
  const envelope = envelopeOf({ eventId, timeMs: order.timeMs, userId: order.userId });
  const items = [...order.quantities].map(([itemId, quantity]) => ({ itemId, quantity, price: 0 }));
  return eventRecord(
    {
      ...envelope,
      eventType: 'purchase',
      orderId: order.orderId,
      items,
      currency: UNKNOWN_CURRENCY,
      revenue: 0,
    },
    order.timeMs,
  );
}
