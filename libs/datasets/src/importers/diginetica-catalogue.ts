/**
 * Diginetica catalogue: `product-categories.csv` (itemId;categoryId) and, when present, `products.csv`
 * (itemId;pricelog2;product.name.tokens). Names are hashed tokens and prices are published only as a
 * rounded log2, so items are titled "item <id>" and priced 2^pricelog2 (approximate, marked), else 0.
 */
import type { DraftRecord } from '../records';
import { parseDecimal, roundToCents, sourceId } from '../import/identity';
import { UNKNOWN_CURRENCY, type ImportContext } from '../import/importer';
import { openTable } from '../io/lines';

export interface DigineticaCatalogue {
  /** itemId → categoryId */
  categories: Map<string, string>;
  /** itemId → approximate price (2^pricelog2) */
  prices: Map<string, number>;
}

export async function readDigineticaCatalogue(
  context: ImportContext,
  files: { categories: string | undefined; products: string | undefined },
): Promise<DigineticaCatalogue> {
  const catalogue: DigineticaCatalogue = { categories: new Map(), prices: new Map() };
  context.report.note(
    'Diginetica publishes no availability or titles: items are "in_stock", titled "item <id>".',
  );
  if (files.categories !== undefined) {
    await readPairs(
      { context, path: files.categories, columns: ['itemId', 'categoryId'] },
      (itemId, value) => {
        const categoryId = sourceId(value);
        if (categoryId === undefined) return 'empty categoryId';
        catalogue.categories.set(itemId, categoryId);
        return undefined;
      },
    );
  }
  if (files.products !== undefined) {
    await readPairs(
      { context, path: files.products, columns: ['itemId', 'pricelog2'] },
      (itemId, value) => {
        const log2Price = parseDecimal(value);
        if (!Number.isFinite(log2Price) || log2Price > 29)
          return 'pricelog2 is not a number below 30';
        catalogue.prices.set(itemId, roundToCents(2 ** log2Price));
        return undefined;
      },
    );
  } else {
    context.report.note(
      'no products.csv: Diginetica prices unknown, items and purchases priced 0 XXX',
    );
  }
  return catalogue;
}

/** Reads `itemId;value` rows; `accept` returns a skip reason or undefined. */
async function readPairs(
  source: { context: ImportContext; path: string; columns: [string, string] },
  accept: (itemId: string, value: string | undefined) => string | undefined,
): Promise<void> {
  const { context, path, columns } = source;
  context.report.file(path);
  const table = await openTable(path, { delimiter: ';' });
  const item = table.column(columns[0]);
  const value = table.column(columns[1]);
  for await (const row of table.rows) {
    context.catalogueRow();
    const itemId = sourceId(row.fields[item]);
    const problem =
      itemId === undefined ? `missing ${columns[0]}` : accept(itemId, row.fields[value]);
    if (problem !== undefined) context.report.skip(problem, row.at);
  }
}

/** Item upserts of the catalogue (undated: the pipeline gives them the first event's time). */
export function* digineticaItems(
  context: ImportContext,
  catalogue: DigineticaCatalogue,
): Generator<DraftRecord> {
  for (const [itemId, categoryId] of catalogue.categories) {
    if (!context.wantsItem(itemId)) continue;
    const price = catalogue.prices.get(itemId);
    yield {
      kind: 'item',
      item: {
        itemId,
        schemaVersion: 1,
        title: `item ${itemId}`,
        categoryPath: [categoryId],
        price: price ?? 0,
        currency: UNKNOWN_CURRENCY,
        availability: 'in_stock',
        attributes: { categoryId, priceApproximate: price !== undefined },
      },
    };
  }
}
