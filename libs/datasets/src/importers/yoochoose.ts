/**
 * YooChoose, RecSys Challenge 2015. Two layouts:
 * - original: `yoochoose-clicks.dat` (session, ISO time, item, category) and `yoochoose-buys.dat`
 *   (session, ISO time, item, price, quantity), comma-separated, no header; `yoochoose-test.dat` too;
 * - session-rec "prepared" splits: tab-separated `SessionId ItemId Time` (unix seconds) files. When a
 *   `*_train_full.txt` is present only it and `*_test.txt` are read: `_train_tr`/`_train_valid` are
 *   re-filtered subsets of `_train_full` (event ids would de-duplicate them anyway).
 * Sessions are anonymous: the anonymous id and the session id are both derived from the session.
 */
import { basename } from 'node:path';
import type { DraftRecord } from '../records';
import { filesMatching, findFile, listFiles } from '../import/files';
import { isPlausibleTimeMs, sourceId, stableId, unixSecondsToMs } from '../import/identity';
import {
  envelopeOf,
  eventRecord,
  type DatasetImporter,
  type ImportContext,
} from '../import/importer';
import { DatasetFormatError, openTable, readFirstLine, type TableRow } from '../io/lines';
import { readYoochooseBuys } from './yoochoose-buys';
import { YOOCHOOSE_PREFIX, yoochooseSessionId } from './yoochoose-ids';

const CLICK_COLUMNS = ['session', 'timestamp', 'item', 'category'];
const PREPARED_HEADER = ['SessionId', 'ItemId', 'Time'];
/** Category values 1..12 are real categories; "S" marks a special offer; long numbers are brand ids. */
const CATEGORY_PATTERN = /^(?:[1-9]|1[0-2])$/;
const BRAND_PATTERN = /^\d{6,}$/;

interface YoochooseLayout {
  clicks: string[];
  buys: string | undefined;
  prepared: boolean;
}

async function findLayout(dir: string): Promise<YoochooseLayout | undefined> {
  const folder = { dir, files: await listFiles(dir) };
  const clicks = findFile(folder, ['yoochoose-clicks.dat']);
  if (clicks !== undefined) {
    const test = findFile(folder, ['yoochoose-test.dat']);
    return {
      clicks: test === undefined ? [clicks] : [clicks, test],
      buys: findFile(folder, ['yoochoose-buys.dat']),
      prepared: false,
    };
  }
  const prepared: string[] = [];
  for (const path of filesMatching(folder, /\.txt(\.gz)?$/)) {
    const header = (await readFirstLine(path))?.split('\t') ?? [];
    if (PREPARED_HEADER.every((column) => header.includes(column))) prepared.push(path);
  }
  if (prepared.length === 0) return undefined;
  const full = prepared.filter((path) => /_train_full\.txt/.test(path));
  const chosen =
    full.length === 0 ? prepared : [...full, ...prepared.filter((path) => /_test\.txt/.test(path))];
  return { clicks: chosen, buys: undefined, prepared: true };
}

export const yoochooseImporter: DatasetImporter = {
  name: 'yoochoose',
  layouts:
    'yoochoose-clicks.dat (+ yoochoose-buys.dat) or session-rec prepared *.txt (SessionId ItemId Time)',
  detect: async (dir) => (await findLayout(dir)) !== undefined,
  async *read(context) {
    const layout = await findLayout(context.dir);
    if (layout === undefined) throw new DatasetFormatError(`${context.dir}: no YooChoose files`);
    if (layout.prepared) noteSkippedSplits(context, layout.clicks);
    for (const path of layout.clicks) {
      const done = yield* readClicks({ context, path, prepared: layout.prepared });
      if (done) return;
    }
    if (layout.buys !== undefined) yield* readYoochooseBuys(context, layout.buys);
    else context.report.note('no yoochoose-buys.dat: no purchase events');
  },
};

function noteSkippedSplits(context: ImportContext, chosen: string[]): void {
  const names = chosen.map((path) => basename(path));
  context.report.note(
    `session-rec prepared files read: ${names.join(', ')} (train_tr/train_valid are subsets of train_full)`,
  );
}

/** Streams one clicks file; returns true when the row limit stopped it. */
async function* readClicks(input: {
  context: ImportContext;
  path: string;
  prepared: boolean;
}): AsyncGenerator<DraftRecord, boolean> {
  const { context, path, prepared } = input;
  context.report.file(path);
  const table = await openTable(
    path,
    prepared ? { delimiter: '\t' } : { delimiter: ',', columns: CLICK_COLUMNS },
  );
  const columns = prepared
    ? {
        session: table.column('SessionId'),
        item: table.column('ItemId'),
        time: table.column('Time'),
        category: table.columns.indexOf('Category'),
      }
    : { session: 0, time: 1, item: 2, category: 3 };
  for await (const row of table.rows) {
    if (!context.takeRow()) return true;
    const mapped = clickOf({ row, columns, prepared });
    if (typeof mapped === 'string') context.report.skip(mapped, row.at);
    else yield mapped;
  }
  return false;
}

function clickOf(input: {
  row: TableRow;
  columns: { session: number; item: number; time: number; category: number };
  prepared: boolean;
}): DraftRecord | string {
  const { row, columns } = input;
  const session = sourceId(row.fields[columns.session]);
  const itemId = sourceId(row.fields[columns.item]);
  const timeText = row.fields[columns.time] ?? '';
  const timeMs = input.prepared ? unixSecondsToMs(timeText) : Date.parse(timeText);
  if (session === undefined || itemId === undefined) return 'missing session or item id';
  if (!isPlausibleTimeMs(timeMs)) return 'unreadable timestamp';
  const sessionId = yoochooseSessionId(session);
  const eventId = stableId(YOOCHOOSE_PREFIX, ['c', session, itemId, timeMs]);
  const envelope = envelopeOf({ eventId, timeMs, anonymousId: sessionId, sessionId });
  const category = row.fields[columns.category]?.trim() ?? '';
  return eventRecord(
    { ...envelope, eventType: 'product_view', itemId, ...categoryFields(category) },
    timeMs,
  );
}

function categoryFields(category: string): {
  categoryPath?: string[];
  properties?: Record<string, string | boolean>;
} {
  if (CATEGORY_PATTERN.test(category)) return { categoryPath: [`category ${category}`] };
  if (category === 'S') return { properties: { specialOffer: true } };
  if (BRAND_PATTERN.test(category)) return { properties: { brandId: category } };
  return {};
}
