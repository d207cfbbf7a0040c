/**
 * RetailRocket catalogue: `item_properties_part*.csv` holds timed snapshots of item properties. Only
 * `categoryid` and `available` are readable (the rest are hashed), so an item upsert is emitted at each
 * snapshot time where the item's category or availability changed; the category path comes from
 * `category_tree.csv` (category ids, root first).
 */
import { basename } from 'node:path';
import type { DraftRecord, ItemDraft } from '../records';
import { isoFromMs, parseInteger, sourceId } from '../import/identity';
import { UNKNOWN_CURRENCY, type ImportContext } from '../import/importer';
import { openTable, type TableRow } from '../io/lines';

interface PropertyChange {
  timeMs: number;
  categoryId?: string;
  available?: boolean;
}

interface ItemState {
  categoryId?: string | undefined;
  available?: boolean | undefined;
}

const MAX_CATEGORY_DEPTH = 10;

export async function* readItemProperties(
  context: ImportContext,
  files: { tree: string | undefined; properties: string[] },
): AsyncGenerator<DraftRecord> {
  if (files.properties.length === 0) {
    context.report.note('no item_properties files: no item upserts were emitted');
    return;
  }
  context.report.note(
    'RetailRocket item titles are hashed: items are titled "item <id>", priced 0 XXX.',
  );
  const parents =
    files.tree === undefined
      ? new Map<string, string>()
      : await readCategoryTree(context, files.tree);
  const changes = new Map<string, PropertyChange[]>();
  for (const path of files.properties) await collectChanges({ context, path, changes });
  for (const [itemId, itemChanges] of changes) {
    yield* itemSnapshots({ itemId, changes: itemChanges, parents, context });
  }
}

async function readCategoryTree(
  context: ImportContext,
  path: string,
): Promise<Map<string, string>> {
  context.report.file(path);
  const table = await openTable(path, { delimiter: ',' });
  const child = table.column('categoryid');
  const parent = table.column('parentid');
  const parents = new Map<string, string>();
  for await (const row of table.rows) {
    context.catalogueRow();
    const childId = sourceId(row.fields[child]);
    const parentId = sourceId(row.fields[parent]);
    if (childId === undefined) context.report.skip('category row without categoryid', row.at);
    else if (parentId !== undefined) parents.set(childId, parentId);
  }
  return parents;
}

async function collectChanges(input: {
  context: ImportContext;
  path: string;
  changes: Map<string, PropertyChange[]>;
}): Promise<void> {
  const { context, path, changes } = input;
  context.report.file(path);
  const table = await openTable(path, { delimiter: ',' });
  const columns = {
    time: table.column('timestamp'),
    item: table.column('itemid'),
    property: table.column('property'),
    value: table.column('value'),
  };
  let hashed = 0;
  for await (const row of table.rows) {
    context.catalogueRow();
    const property = row.fields[columns.property];
    if (property !== 'categoryid' && property !== 'available') {
      hashed += 1;
      continue;
    }
    const change = changeOf(row, { ...columns, property });
    if (typeof change === 'string') context.report.skip(change, row.at);
    else if (context.wantsItem(change.itemId)) pushChange(changes, change);
  }
  context.report.note(`${basename(path)}: ${hashed} rows of hashed properties not used`);
}

function changeOf(
  row: TableRow,
  columns: { time: number; item: number; value: number; property: 'categoryid' | 'available' },
): (PropertyChange & { itemId: string }) | string {
  const timeMs = parseInteger(row.fields[columns.time]);
  const itemId = sourceId(row.fields[columns.item]);
  const value = row.fields[columns.value]?.trim();
  if (!Number.isFinite(timeMs) || itemId === undefined)
    return 'property row without timestamp or itemid';
  if (columns.property === 'available') {
    if (value !== '0' && value !== '1') return 'available is neither 0 nor 1';
    return { itemId, timeMs, available: value === '1' };
  }
  const categoryId = sourceId(value);
  return categoryId === undefined ? 'empty categoryid' : { itemId, timeMs, categoryId };
}

function pushChange(
  changes: Map<string, PropertyChange[]>,
  change: PropertyChange & { itemId: string },
): void {
  const { itemId, ...rest } = change;
  const list = changes.get(itemId);
  if (list === undefined) changes.set(itemId, [rest]);
  else list.push(rest);
}

function* itemSnapshots(input: {
  itemId: string;
  changes: PropertyChange[];
  parents: ReadonlyMap<string, string>;
  context: ImportContext;
}): Generator<DraftRecord> {
  const changes = input.changes.sort((left, right) => left.timeMs - right.timeMs);
  const state: ItemState = {};
  let emitted = '';
  for (const [index, change] of changes.entries()) {
    if (change.categoryId !== undefined) state.categoryId = change.categoryId;
    if (change.available !== undefined) state.available = change.available;
    const next = changes[index + 1];
    if (next !== undefined && next.timeMs === change.timeMs) continue;
    const signature = `${state.categoryId ?? ''}|${String(state.available)}`;
    if (signature === emitted) continue;
    emitted = signature;
    const item = itemOf({
      itemId: input.itemId,
      state,
      parents: input.parents,
      context: input.context,
    });
    yield {
      kind: 'item',
      item: { ...item, updatedAt: isoFromMs(change.timeMs) },
      timeMs: change.timeMs,
    };
  }
}

function itemOf(input: {
  itemId: string;
  state: ItemState;
  parents: ReadonlyMap<string, string>;
  context: ImportContext;
}): ItemDraft {
  const { itemId, state, context } = input;
  if (state.categoryId === undefined)
    context.report.adjust('no categoryid yet: category "uncategorised"', itemId);
  if (state.available === undefined)
    context.report.adjust('availability unknown: "in_stock"', itemId);
  return {
    itemId,
    schemaVersion: 1,
    title: `item ${itemId}`,
    categoryPath:
      state.categoryId === undefined
        ? ['uncategorised']
        : categoryPath(state.categoryId, input.parents),
    price: 0,
    currency: UNKNOWN_CURRENCY,
    availability: state.available === false ? 'out_of_stock' : 'in_stock',
    ...(state.categoryId === undefined ? {} : { attributes: { categoryId: state.categoryId } }),
  };
}

/** Root-first ids; a cycle or a too-deep tree keeps the leaf-most levels. */
function categoryPath(leaf: string, parents: ReadonlyMap<string, string>): string[] {
  const path = [leaf];
  let current = parents.get(leaf);
  while (current !== undefined && path.length < MAX_CATEGORY_DEPTH && !path.includes(current)) {
    path.unshift(current);
    current = parents.get(current);
  }
  return path;
}
