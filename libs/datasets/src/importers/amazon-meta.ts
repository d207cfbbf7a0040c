/**
 * Amazon 2018 product metadata → item upserts. The scraped fields are messy: many titles and prices are
 * HTML or CSS fragments, categories carry HTML entities, and an asin may appear twice. Each repair is
 * counted in the report; the first record of an asin wins. Prices are amazon.com prices, so USD
 * (an unknown price is 0 XXX, like in the other importers).
 */
import { basename } from 'node:path';
import type { DraftRecord, ItemDraft } from '../records';
import { sourceId } from '../import/identity';
import { UNKNOWN_CURRENCY, type ImportContext } from '../import/importer';
import { parseObject, stringField } from '../io/json-object';
import { readLines } from '../io/lines';

const MAX_CATEGORY_DEPTH = 10;
const MAX_NAME = 128;
const MAX_TITLE = 512;
const PRICE_PATTERN = /^\$\s?(\d[\d,]*(?:\.\d+)?)(\s*-\s*\$)?/;
const ENTITIES: Record<string, string> = {
  amp: '&',
  quot: '"',
  apos: "'",
  lt: '<',
  gt: '>',
  nbsp: ' ',
};

export async function* readAmazonMeta(
  context: ImportContext,
  path: string,
): AsyncGenerator<DraftRecord> {
  context.report.file(path);
  context.report.note('Amazon metadata has no availability: items are "in_stock".');
  const file = basename(path);
  const seen = new Set<string>();
  for await (const line of readLines(path)) {
    if (line.text.trim() === '') continue;
    context.catalogueRow();
    const at = `${file}:${line.lineNumber}`;
    const meta = parseObject(line.text);
    const itemId = meta === undefined ? undefined : sourceId(stringField(meta, 'asin'));
    if (meta === undefined || itemId === undefined) {
      context.report.skip(
        'not a JSON object with an asin (2014 metadata is Python literals: convert first)',
        at,
      );
    } else if (seen.has(itemId)) {
      context.report.skip('duplicate asin in metadata (first record kept)', at);
    } else if (context.wantsItem(itemId)) {
      seen.add(itemId);
      yield { kind: 'item', item: itemOf({ meta, itemId, context, at }) };
    }
  }
}

interface MetaInput {
  meta: Record<string, unknown>;
  itemId: string;
  context: ImportContext;
  at: string;
}

function itemOf(input: MetaInput): ItemDraft {
  const { meta, itemId } = input;
  const price = priceOf(input);
  const brand = cleanText(stringField(meta, 'brand'), MAX_NAME);
  const imageUrl = imageUrlOf(meta);
  const mainCategory = cleanText(stringField(meta, 'main_cat'), MAX_NAME);
  return {
    itemId,
    schemaVersion: 1,
    title: titleOf(input),
    categoryPath: categoryPathOf(input),
    ...(brand === undefined ? {} : { brand }),
    price: price ?? 0,
    // An unknown price is 0 in "no currency" (XXX), so it is not read as a free item in dollars.
    currency: price === undefined ? UNKNOWN_CURRENCY : 'USD',
    availability: 'in_stock',
    ...(imageUrl === undefined ? {} : { imageUrl }),
    attributes: {
      priceKnown: price !== undefined,
      ...(mainCategory === undefined ? {} : { mainCategory }),
    },
  };
}

/** Entity-decoded, trimmed text; undefined when empty, too long or markup (scraped HTML, not a value). */
function cleanText(value: string | undefined, maxLength: number): string | undefined {
  if (value === undefined) return undefined;
  const decoded = value
    .replace(/&(amp|quot|apos|lt|gt|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/&#(\d{1,6});/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/\s+/g, ' ')
    .trim();
  if (decoded === '' || decoded.length > maxLength || /[<>{}]/.test(decoded)) return undefined;
  return decoded;
}

function titleOf(input: MetaInput): string {
  const title = cleanText(stringField(input.meta, 'title'), MAX_TITLE);
  if (title !== undefined) return title;
  input.context.report.adjust('title missing or HTML markup: "item <asin>"', input.at);
  return `item ${input.itemId}`;
}

function categoryPathOf(input: MetaInput): string[] {
  const categories = input.meta['category'] ?? firstOf(input.meta['categories']);
  const names = Array.isArray(categories) ? categories : [];
  const path = names
    .map((name) => (typeof name === 'string' ? cleanText(name, MAX_NAME) : undefined))
    .filter((name): name is string => name !== undefined)
    .slice(0, MAX_CATEGORY_DEPTH);
  if (path.length > 0) return path;
  const mainCategory = cleanText(stringField(input.meta, 'main_cat'), MAX_NAME);
  input.context.report.adjust('no category: main_cat or "uncategorised"', input.at);
  return [mainCategory ?? 'uncategorised'];
}

/** 2014 metadata nests category paths (`[["Beauty", "Skin Care"], …]`); the first path is the item's. */
function firstOf(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : undefined;
}

/** "$12.99" → 12.99; a range "$10.99 - $20.99" gives its lowest price; anything else is unknown. */
function priceOf(input: MetaInput): number | undefined {
  const raw = input.meta['price'];
  if (typeof raw === 'number' && raw >= 0 && Number.isFinite(raw)) return raw;
  const match = PRICE_PATTERN.exec(typeof raw === 'string' ? raw.trim() : '');
  const amount = match === null ? Number.NaN : Number(match[1]?.replace(/,/g, ''));
  if (!Number.isFinite(amount)) {
    input.context.report.adjust('price missing or not "$…": 0', input.at);
    return undefined;
  }
  if (match?.[2] !== undefined) input.context.report.adjust('price range: lowest price', input.at);
  return amount;
}

function imageUrlOf(meta: Record<string, unknown>): string | undefined {
  for (const field of ['imageURLHighRes', 'imageURL', 'image', 'imUrl']) {
    const value = meta[field];
    const candidate: unknown = Array.isArray(value) ? value[0] : value;
    if (
      typeof candidate === 'string' &&
      /^https?:\/\/\S+$/.test(candidate) &&
      candidate.length <= 2048
    )
      return candidate;
  }
  return undefined;
}
