/**
 * The importers on the real (sampled) datasets in `<repo>/../shared/datasets`, capped with `limit` so
 * each case takes a few seconds. Skipped, with a note, where the folder is absent (e.g. a fresh clone).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetName } from '../import/importer';
import { importDataset } from '../import/pipeline';
import { readLines } from '../io/lines';
import type { DatasetRecord } from '../records';
import { SHARED_DATASETS_DIR, eventsOf, isTimeOrdered, schemaFailures } from '../test/fixtures';

const LIMIT = 3_000;
/** Two capped imports per case; generous because CI machines are shared. */
const CASE_TIMEOUT_MS = 30_000;

interface SharedCase {
  folder: string;
  dataset: DatasetName;
  /** Source file and how to read `item@instant` keys from its first rows (independently of the importer). */
  source: {
    file: string;
    header: boolean;
    encoding?: 'latin1';
    key: (line: string) => string | undefined;
  };
  /** How an imported event is keyed the same way. */
  eventKey?: (record: { itemId: string; timestamp: string }) => string;
  /** Least share of the limited rows that must become events (grouping and duplicates lower it). */
  minEventsPerRow: number;
}

const isoOfSeconds = (seconds: string | undefined) =>
  new Date(Number(seconds) * 1000).toISOString();

const CASES: SharedCase[] = [
  {
    folder: 'movielens_100k',
    dataset: 'movielens',
    source: {
      file: 'u.data',
      header: false,
      key: (line) => {
        const [, item, , ts] = line.split('\t');
        return `${item}@${isoOfSeconds(ts)}`;
      },
    },
    minEventsPerRow: 1,
  },
  {
    folder: 'movielens_1m_partial',
    dataset: 'movielens',
    source: {
      file: 'ratings.dat',
      header: false,
      key: (line) => {
        const [, item, , ts] = line.split('::');
        return `${item}@${isoOfSeconds(ts)}`;
      },
    },
    minEventsPerRow: 1,
  },
  {
    folder: 'yoochoose_rsc15_sample100k',
    dataset: 'yoochoose',
    source: {
      file: 'yoochoose-clicks-100k_train_full.txt',
      header: true,
      key: (line) => {
        const [, item, time] = line.split('\t');
        return `${item}@${new Date(Math.round(Number(time) * 1000)).toISOString()}`;
      },
    },
    minEventsPerRow: 0.99,
  },
  {
    folder: 'rees46_multicategory_2019oct_head',
    dataset: 'rees46',
    source: {
      file: '2019-Oct_head.csv',
      header: true,
      key: (line) => {
        const [time, , item] = line.split(',');
        return `${item}@${time?.replace(' UTC', 'Z').replace(' ', 'T').replace('Z', '.000Z')}`;
      },
    },
    minEventsPerRow: 0.99,
  },
  {
    folder: 'diginetica_cikm16',
    dataset: 'diginetica',
    // Only the day is published (times of day are estimated): compare item and day.
    source: {
      file: 'sample_train-item-views.csv',
      header: true,
      key: (line) => {
        const [, , item, , day] = line.split(';');
        return `${item}@${day}`;
      },
    },
    eventKey: (event) => `${event.itemId}@${event.timestamp.slice(0, 10)}`,
    minEventsPerRow: 0.99,
  },
  {
    folder: 'amazon2018_all_beauty_5core',
    dataset: 'amazon',
    source: { file: 'All_Beauty_5.json', header: false, key: amazonKey },
    // The 2018 file repeats reviews; the repeats are counted as duplicates, not imported twice.
    minEventsPerRow: 0.7,
  },
  {
    folder: 'amazon2018_magazine_subscriptions',
    dataset: 'amazon',
    source: { file: 'Magazine_Subscriptions_5.json', header: false, key: amazonKey },
    minEventsPerRow: 0.95,
  },
  {
    folder: 'retailrocket_caserec_filtered',
    dataset: 'retailrocket',
    // No timestamps in this layout: only the item ids can be compared (times are synthesised and flagged).
    source: { file: 'view_ecommerce.dat', header: true, key: (line) => `${line.split('\t')[1]}@` },
    eventKey: (event) => `${event.itemId}@`,
    minEventsPerRow: 1,
  },
];

function amazonKey(line: string): string | undefined {
  const review = JSON.parse(line) as { asin: string; unixReviewTime: number };
  return `${review.asin}@${new Date(review.unixReviewTime * 1000).toISOString()}`;
}

/** Keys of the first LIMIT source rows, and how many rows that was (a file may be shorter). */
async function sourceKeys(entry: SharedCase): Promise<{ keys: Set<string>; rows: number }> {
  const keys = new Set<string>();
  let rows = 0;
  const path = join(SHARED_DATASETS_DIR, entry.folder, entry.source.file);
  for await (const line of readLines(path, { encoding: entry.source.encoding ?? 'utf8' })) {
    if (entry.source.header && line.lineNumber === 1) continue;
    if (rows === LIMIT) break;
    rows += 1;
    const key = entry.source.key(line.text);
    if (key !== undefined) keys.add(key);
  }
  return { keys, rows };
}

function eventKeys(records: readonly DatasetRecord[], entry: SharedCase): string[] {
  return eventsOf(records).map((event) => {
    const itemId =
      'itemId' in event
        ? event.itemId
        : event.eventType === 'purchase'
          ? (event.items[0]?.itemId ?? '')
          : '';
    return (entry.eventKey ?? ((keyed) => `${keyed.itemId}@${keyed.timestamp}`))({
      itemId,
      timestamp: event.timestamp,
    });
  });
}

const present = CASES.filter((entry) => existsSync(join(SHARED_DATASETS_DIR, entry.folder)));
const absent = CASES.filter((entry) => !present.includes(entry));
if (absent.length > 0) {
  console.info(
    `shared datasets not found, skipped: ${absent.map((entry) => join(SHARED_DATASETS_DIR, entry.folder)).join(', ')}`,
  );
}
const describeIfPresent = present.length > 0 ? describe : describe.skip;

describeIfPresent(
  `importers on the shared datasets (${SHARED_DATASETS_DIR}, first ${LIMIT} rows)`,
  () => {
    const cases = present.length > 0 ? present : CASES;

    it.each(cases.map((entry) => [entry.folder, entry] as const))(
      '%s: valid, time-sorted, faithful, deterministic',
      async (_folder, entry) => {
        const dir = join(SHARED_DATASETS_DIR, entry.folder);
        const first = await importDataset({ dataset: 'auto', dir, limit: LIMIT });
        const second = await importDataset({ dataset: entry.dataset, dir, limit: LIMIT });
        const events = eventsOf(first.records);
        const source = await sourceKeys(entry);

        expect(first.report.dataset).toBe(entry.dataset);
        expect(schemaFailures(first.records)).toEqual([]);
        expect(first.report.invalid).toEqual({});
        expect(isTimeOrdered(first.records)).toBe(true);
        expect(events.length).toBeGreaterThanOrEqual(
          Math.floor(source.rows * entry.minEventsPerRow),
        );
        expect(events.length).toBeLessThanOrEqual(LIMIT);
        expect(
          second.records.map((record) =>
            record.kind === 'event' ? record.event.eventId : record.item.itemId,
          ),
        ).toEqual(
          first.records.map((record) =>
            record.kind === 'event' ? record.event.eventId : record.item.itemId,
          ),
        );
        const unmatched = eventKeys(first.records, entry).filter((key) => !source.keys.has(key));
        expect(unmatched.slice(0, 5)).toEqual([]);
      },
      CASE_TIMEOUT_MS,
    );
  },
);
