/**
 * REES46 "eCommerce behavior data from multi category store" (Kaggle, one CSV per month):
 * event_time (`2019-10-01 00:00:00 UTC`), event_type (view | cart | remove_from_cart | purchase),
 * product_id, category_id, category_code (`electronics.smartphone`), brand, price, user_id, user_session.
 * Rows carry the product's attributes, so an item upsert is emitted when a product is first seen and
 * whenever its price, brand or category changes, just before the event that showed the change.
 */
import type { DraftRecord, EventDraft, ItemDraft } from '../records';
import { filesMatching, listFiles } from '../import/files';
import { isPlausibleTimeMs, parseDecimal, sourceId, stableId } from '../import/identity';
import {
  UNKNOWN_CURRENCY,
  envelopeOf,
  type DatasetImporter,
  type ImportContext,
} from '../import/importer';
import { openTable, readFirstLine, type TableRow } from '../io/lines';

const PREFIX = 'r46';
const HEADER_START = 'event_time,event_type,product_id';
const TIME_PATTERN = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/;
const COLUMNS = [
  'event_time',
  'event_type',
  'product_id',
  'category_id',
  'category_code',
  'brand',
  'price',
  'user_id',
  'user_session',
] as const;
type Rees46Row = Record<(typeof COLUMNS)[number], string>;

async function eventFiles(dir: string): Promise<string[]> {
  const candidates = filesMatching({ dir, files: await listFiles(dir) }, /\.csv(\.gz)?$/);
  const matches: string[] = [];
  for (const path of candidates) {
    if ((await readFirstLine(path))?.startsWith(HEADER_START) === true) matches.push(path);
  }
  return matches;
}

export const rees46Importer: DatasetImporter = {
  name: 'rees46',
  layouts: `monthly CSV files with header ${COLUMNS.join(',')}`,
  detect: async (dir) => (await eventFiles(dir)).length > 0,
  async *read(context) {
    context.report.note(
      'REES46 publishes no currency or product titles: prices use currency XXX, titles are composed from brand, category and id, availability is "in_stock".',
    );
    context.report.note(
      'REES46 has no order ids: each purchase row is one order whose id is the event id.',
    );
    const seen = new Map<string, string>();
    for (const path of await eventFiles(context.dir)) {
      const limited = yield* readEventFile({ context, path, seen });
      if (limited) return;
    }
  },
};

async function* readEventFile(input: {
  context: ImportContext;
  path: string;
  seen: Map<string, string>;
}): AsyncGenerator<DraftRecord, boolean> {
  const { context, path } = input;
  context.report.file(path);
  const table = await openTable(path, { delimiter: ',', quoted: true });
  const indexes = COLUMNS.map((name) => table.column(name));
  for await (const row of table.rows) {
    if (!context.takeRow()) return true;
    const fields = Object.fromEntries(
      COLUMNS.map((name, index) => [name, row.fields[indexes[index] ?? -1] ?? '']),
    ) as Rees46Row;
    const mapped = rowOf(fields, row);
    if (typeof mapped === 'string') {
      context.report.skip(mapped, row.at);
      continue;
    }
    if (fields.user_session.trim() === '')
      context.report.adjust('no user_session: session derived by inactivity', row.at);
    const changed = itemIfChanged({ fields, timeMs: mapped.timeMs, seen: input.seen, context });
    if (changed !== undefined) yield changed;
    yield mapped;
  }
  return false;
}

function rowOf(fields: Rees46Row, row: TableRow): (DraftRecord & { kind: 'event' }) | string {
  const time = TIME_PATTERN.exec(fields.event_time.trim());
  const timeMs = time === null ? Number.NaN : Date.parse(`${time[1]}T${time[2]}Z`);
  const itemId = sourceId(fields.product_id);
  const userId = sourceId(fields.user_id);
  const price = parseDecimal(fields.price);
  if (row.fields.length < COLUMNS.length) return `expected ${COLUMNS.length} fields`;
  if (!isPlausibleTimeMs(timeMs)) return 'unreadable event_time';
  if (itemId === undefined || userId === undefined) return 'missing product_id or user_id';
  if (!(price >= 0)) return 'price is not a non-negative number';
  const sessionId = sourceId(fields.user_session);
  const eventId = stableId(PREFIX, [fields.event_type, userId, sessionId ?? '', itemId, timeMs]);
  const envelope = envelopeOf({ eventId, timeMs, userId, sessionId });
  const event = eventOf({ envelope, type: fields.event_type, itemId, price });
  return event === undefined
    ? `unknown event_type "${fields.event_type.slice(0, 32)}"`
    : { kind: 'event', event, timeMs };
}

function eventOf(input: {
  envelope: ReturnType<typeof envelopeOf>;
  type: string;
  itemId: string;
  price: number;
}): EventDraft | undefined {
  const { envelope, itemId, price } = input;
  const currency = UNKNOWN_CURRENCY;
  switch (input.type) {
    case 'view':
      return { ...envelope, eventType: 'product_view', itemId, price, currency };
    case 'cart':
      return { ...envelope, eventType: 'add_to_cart', itemId, quantity: 1, price, currency };
    case 'remove_from_cart':
      return { ...envelope, eventType: 'remove_from_cart', itemId, quantity: 1 };
    case 'purchase': {
      const items = [{ itemId, quantity: 1, price }];
      return {
        ...envelope,
        eventType: 'purchase',
        orderId: envelope.eventId,
        items,
        currency,
        revenue: price,
      };
    }
    default:
      return undefined;
  }
}

function itemIfChanged(input: {
  fields: Rees46Row;
  timeMs: number;
  seen: Map<string, string>;
  context: ImportContext;
}): DraftRecord | undefined {
  const { fields, seen } = input;
  const signature = [fields.category_id, fields.category_code, fields.brand, fields.price].join(
    '|',
  );
  if (seen.get(fields.product_id) === signature) return undefined;
  seen.set(fields.product_id, signature);
  const item = itemOf(fields, input.context);
  return {
    kind: 'item',
    item: { ...item, updatedAt: new Date(input.timeMs).toISOString() },
    timeMs: input.timeMs,
  };
}

function itemOf(fields: Rees46Row, context: ImportContext): ItemDraft {
  const code = fields.category_code.trim();
  const categoryId = sourceId(fields.category_id);
  const brand = fields.brand.trim().slice(0, 128);
  const categoryPath =
    code === '' ? [categoryId ?? 'uncategorised'] : code.split('.').filter((part) => part !== '');
  if (code === '' && categoryId === undefined)
    context.report.adjust('no category: "uncategorised"', fields.product_id);
  const leaf = code === '' ? '' : (categoryPath.at(-1) ?? '').replace(/_/g, ' ');
  const title = [brand, leaf, `#${fields.product_id}`].filter((part) => part !== '').join(' ');
  return {
    itemId: fields.product_id,
    schemaVersion: 1,
    title: title.slice(0, 512),
    categoryPath: categoryPath.slice(0, 10).map((part) => part.slice(0, 128)),
    ...(brand === '' ? {} : { brand }),
    price: parseDecimal(fields.price),
    currency: UNKNOWN_CURRENCY,
    availability: 'in_stock',
    ...(categoryId === undefined ? {} : { attributes: { categoryId } }),
  };
}
