/**
 * Diginetica, CIKM Cup 2016 (`;`-separated): `train-item-views.csv` (or the SR-GNN
 * `sample_train-item-views.csv`): session_id, user_id, item_id, timeframe, eventdate;
 * `train-purchases.csv`: sessionId, userId, timeframe, eventdate, ordernumber, itemId;
 * `product-categories.csv`: itemId, categoryId; optional `products.csv`: itemId, pricelog2, name tokens.
 * Instants and identities: see `diginetica-rows.ts`. Rows are held per file until the session starts are
 * estimated (bounded by the file sizes: the full views file has about 1.2 million rows).
 */
import type { DraftRecord } from '../records';
import { findFile, listFiles } from '../import/files';
import { stableId } from '../import/identity';
import {
  UNKNOWN_CURRENCY,
  envelopeOf,
  eventRecord,
  type DatasetImporter,
} from '../import/importer';
import {
  digineticaItems,
  readDigineticaCatalogue,
  type DigineticaCatalogue,
} from './diginetica-catalogue';
import { digineticaPurchases } from './diginetica-purchases';
import {
  DIGINETICA_PREFIX,
  digineticaIdentity,
  readDigineticaRows,
  sessionStarts,
  type DigineticaRow,
} from './diginetica-rows';

interface DigineticaFiles {
  views: string | undefined;
  purchases: string | undefined;
  categories: string | undefined;
  products: string | undefined;
}

async function findFiles(dir: string): Promise<DigineticaFiles> {
  const folder = { dir, files: await listFiles(dir) };
  return {
    views: findFile(folder, ['train-item-views.csv', 'sample_train-item-views.csv']),
    purchases: findFile(folder, ['train-purchases.csv']),
    categories: findFile(folder, ['product-categories.csv']),
    products: findFile(folder, ['products.csv']),
  };
}

const VIEW_COLUMNS = {
  session: 'session_id',
  user: 'user_id',
  item: 'item_id',
  timeframe: 'timeframe',
  date: 'eventdate',
};
const PURCHASE_COLUMNS = {
  session: 'sessionId',
  user: 'userId',
  item: 'itemId',
  timeframe: 'timeframe',
  date: 'eventdate',
  order: 'ordernumber',
};

export const digineticaImporter: DatasetImporter = {
  name: 'diginetica',
  layouts:
    'train-item-views.csv / sample_train-item-views.csv, train-purchases.csv, product-categories.csv, products.csv',
  async detect(dir) {
    const files = await findFiles(dir);
    return files.views !== undefined || files.purchases !== undefined;
  },
  async *read(context) {
    context.report.note(
      'Diginetica publishes days and in-session offsets, not times of day: session starts are estimated (see diginetica-rows.ts).',
    );
    const files = await findFiles(context.dir);
    const catalogue = await readDigineticaCatalogue(context, files);
    const views =
      files.views === undefined
        ? { rows: [], limited: false }
        : await readDigineticaRows(context, { path: files.views, columns: VIEW_COLUMNS });
    const purchases =
      files.purchases === undefined || views.limited
        ? { rows: [] }
        : await readDigineticaRows(context, { path: files.purchases, columns: PURCHASE_COLUMNS });
    const starts = sessionStarts([...views.rows, ...purchases.rows], context);
    for (const row of views.rows) yield viewOf({ row, starts, catalogue });
    yield* digineticaPurchases({ rows: purchases.rows, starts, catalogue, context });
    yield* digineticaItems(context, catalogue);
  },
};

function viewOf(input: {
  row: DigineticaRow;
  starts: ReadonlyMap<string, number>;
  catalogue: DigineticaCatalogue;
}): DraftRecord {
  const { row, catalogue } = input;
  const timeMs = (input.starts.get(row.session) ?? row.dayMs) + row.timeframeMs;
  const eventId = stableId(DIGINETICA_PREFIX, ['v', row.session, row.itemId, row.timeframeMs]);
  const categoryId = catalogue.categories.get(row.itemId);
  const price = catalogue.prices.get(row.itemId);
  return eventRecord(
    {
      ...envelopeOf({ eventId, timeMs, ...digineticaIdentity(row) }),
      eventType: 'product_view',
      itemId: row.itemId,
      ...(categoryId === undefined ? {} : { categoryPath: [categoryId] }),
      ...(price === undefined ? {} : { price, currency: UNKNOWN_CURRENCY }),
    },
    timeMs,
  );
}
