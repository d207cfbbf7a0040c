/**
 * Amazon Review Data 2018 (McAuley lab), JSON lines, optionally gzipped:
 * - reviews (`<Category>_5.json`, 5-core): reviewerID, asin, overall, reviewText, summary, unixReviewTime…
 *   A review with text becomes a `review` event (stars = overall), one without text a `rating` event.
 * - metadata (`meta_<Category>.json`): asin, title, category (2014: categories), brand, price "$12.99"…
 *   becomes item upserts (see `amazon-meta.ts`).
 * Files are classified by their first record, so any file names work. Sessions are derived by inactivity
 * (review times are whole days, so one user's reviews of one day form one session). The 2018 files
 * repeat reviews (identical copies, and variants of sibling products merged under one asin): the event
 * id is reviewer + asin + day, so the first one is kept and the others are counted as duplicates.
 */
import type { DraftRecord, EventDraft } from '../records';
import { filesMatching, listFiles } from '../import/files';
import { isPlausibleTimeMs, sourceId, stableId } from '../import/identity';
import {
  envelopeOf,
  eventRecord,
  type DatasetImporter,
  type ImportContext,
} from '../import/importer';
import { parseObject, stringField } from '../io/json-object';
import { readFirstLine, readLines } from '../io/lines';
import { readAmazonMeta } from './amazon-meta';

const PREFIX = 'amz';
const MAX_REVIEW_TEXT = 10_000;
const MAX_REVIEW_TITLE = 256;

interface AmazonFiles {
  reviews: string[];
  meta: string[];
}

async function classifyFiles(dir: string): Promise<AmazonFiles> {
  const files: AmazonFiles = { reviews: [], meta: [] };
  for (const path of filesMatching({ dir, files: await listFiles(dir) }, /\.jsonl?(\.gz)?$/)) {
    const first = parseObject((await readFirstLine(path)) ?? '');
    if (first !== undefined && 'reviewerID' in first) files.reviews.push(path);
    else if ((first !== undefined && 'asin' in first) || /(^|\/)meta_[^/]*$/.test(path))
      files.meta.push(path);
  }
  return files;
}

export const amazonImporter: DatasetImporter = {
  name: 'amazon',
  layouts:
    'JSON lines: reviews (reviewerID, asin, overall, reviewText, unixReviewTime) and meta_*.json (asin, title, category, brand, price)',
  detect: async (dir) => (await classifyFiles(dir)).reviews.length > 0,
  async *read(context) {
    const files = await classifyFiles(context.dir);
    for (const path of files.reviews) {
      const limited = yield* readReviews(context, path);
      if (limited) break;
    }
    if (files.meta.length === 0)
      context.report.note('no metadata file: only review and rating events were imported');
    for (const path of files.meta) yield* readAmazonMeta(context, path);
  },
};

async function* readReviews(
  context: ImportContext,
  path: string,
): AsyncGenerator<DraftRecord, boolean> {
  context.report.file(path);
  const file = path.split('/').at(-1) ?? path;
  for await (const line of readLines(path)) {
    if (line.text.trim() === '') continue;
    if (!context.takeRow()) return true;
    const at = `${file}:${line.lineNumber}`;
    const review = parseObject(line.text);
    const mapped = review === undefined ? 'not a JSON object' : reviewOf(review, { context, at });
    if (typeof mapped === 'string') context.report.skip(mapped, at);
    else yield mapped;
  }
  return false;
}

interface ReviewKey {
  userId: string;
  itemId: string;
  overall: number;
  timeMs: number;
}

function reviewKeyOf(review: Record<string, unknown>): ReviewKey | string {
  const userId = sourceId(stringField(review, 'reviewerID'));
  const itemId = sourceId(stringField(review, 'asin'));
  const overall = review['overall'];
  const timeMs = reviewTimeMs(review);
  if (userId === undefined || itemId === undefined) return 'missing reviewerID or asin';
  if (typeof overall !== 'number' || !(overall >= 1 && overall <= 5))
    return 'overall is not a rating 1..5';
  if (!isPlausibleTimeMs(timeMs)) return 'no readable unixReviewTime or reviewTime';
  return { userId, itemId, overall, timeMs };
}

function reviewOf(
  review: Record<string, unknown>,
  where: { context: ImportContext; at: string },
): DraftRecord | string {
  const key = reviewKeyOf(review);
  if (typeof key === 'string') return key;
  const { userId, itemId, overall, timeMs } = key;
  const eventId = stableId(PREFIX, [userId, itemId, timeMs / 1000]);
  const envelope = envelopeOf({ eventId, timeMs, userId, properties: reviewProperties(review) });
  const text = stringField(review, 'reviewText')?.trim() ?? '';
  if (text === '') {
    return eventRecord(
      { ...envelope, eventType: 'rating', itemId, rating: Math.round(overall * 2) / 2 },
      timeMs,
    );
  }
  if (text.length > MAX_REVIEW_TEXT)
    where.context.report.adjust(`review text cut to ${MAX_REVIEW_TEXT} characters`, where.at);
  const title = stringField(review, 'summary')?.trim().slice(0, MAX_REVIEW_TITLE);
  const event: EventDraft = {
    ...envelope,
    eventType: 'review',
    itemId,
    stars: Math.round(overall),
    text: text.slice(0, MAX_REVIEW_TEXT).trim(),
    ...(title === undefined || title === '' ? {} : { title }),
  };
  return eventRecord(event, timeMs);
}

/** `unixReviewTime` (seconds), else `reviewTime` ("09 1, 2016", a day in UTC). */
function reviewTimeMs(review: Record<string, unknown>): number {
  const unix = review['unixReviewTime'];
  if (typeof unix === 'number' && Number.isInteger(unix)) return unix * 1000;
  const match = /^(\d{1,2}) (\d{1,2}), (\d{4})$/.exec(
    stringField(review, 'reviewTime')?.trim() ?? '',
  );
  if (match === null) return Number.NaN;
  return Date.UTC(Number(match[3]), Number(match[1]) - 1, Number(match[2]));
}

/** The review's verified-purchase flag and helpful votes ("1,234"), when present. */
function reviewProperties(
  review: Record<string, unknown>,
): Record<string, boolean | number> | undefined {
  const properties: Record<string, boolean | number> = {};
  const verified = review['verified'];
  if (typeof verified === 'boolean') properties['verified'] = verified;
  const votes = Number(stringField(review, 'vote')?.replace(/,/g, '') ?? Number.NaN);
  if (Number.isInteger(votes) && votes >= 0) properties['helpfulVotes'] = votes;
  return Object.keys(properties).length > 0 ? properties : undefined;
}
