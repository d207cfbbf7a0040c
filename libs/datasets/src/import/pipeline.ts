/**
 * Runs one importer and returns contract-valid records in global time order (the replay needs it).
 *
 * Memory bound: files are streamed, but the records are sorted in memory, roughly 1 KB of heap per
 * record — a few million records per run with Node's default heap. Larger dumps need `limit` or a split.
 */
import type { DatasetRecord, DraftRecord, EventDraft } from '../records';
import { validateRecord } from '../records';
import { isoFromMs, stableId } from './identity';
import type { DatasetImporter, DatasetName, ImportContext } from './importer';
import { resolveImporter } from './registry';
import { ImportReportBuilder, type ImportReport } from './report';

export type ItemScope = 'all' | 'referenced';

export interface ImportOptions {
  dataset: DatasetName | 'auto';
  dir: string;
  /** Interaction rows read at most (catalogue rows do not count). @default no limit */
  limit?: number;
  /** Which catalogue items to emit. @default "referenced" when `limit` is set, else "all" */
  itemScope?: ItemScope;
  /** Inactivity that ends a derived session (datasets without session ids). @default 1800000 (30 min) */
  sessionGapMs?: number;
  /** Called every 10,000 source rows with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
}

export interface ImportResult {
  records: DatasetRecord[];
  report: ImportReport;
}

const DEFAULT_SESSION_GAP_MS = 30 * 60 * 1000;
const PROGRESS_EVERY_ROWS = 10_000;
/** Catalogue files without dates (movies, product metadata) fall back to this when a file has no events. */
const EPOCH_MS = 0;

export async function importDataset(options: ImportOptions): Promise<ImportResult> {
  const importer = await resolveImporter(options.dataset, options.dir);
  const builder = new ImportReportBuilder(importer.name, options.dir);
  const drafts = await collectDrafts({ importer, options, builder });
  settleCatalogueTimes(drafts);
  drafts.sort(byTimeItemsFirst);
  assignSessions(drafts, options.sessionGapMs ?? DEFAULT_SESSION_GAP_MS);
  const records = validateDrafts(drafts, builder);
  finishReport(builder.report, records);
  return { records, report: builder.report };
}

interface CollectInput {
  importer: DatasetImporter;
  options: ImportOptions;
  builder: ImportReportBuilder;
}

async function collectDrafts(input: CollectInput): Promise<DraftRecord[]> {
  const { importer, options, builder } = input;
  const referenced = new Set<string>();
  const eventIds = new Set<string>();
  const drafts: DraftRecord[] = [];
  const context = importContext({ options, builder, referenced });
  for await (const draft of importer.read(context)) {
    if (draft.kind === 'item') {
      drafts.push(draft);
      continue;
    }
    if (eventIds.has(draft.event.eventId)) {
      builder.skip('duplicate row (same event id as an earlier row)', draft.event.eventId);
      continue;
    }
    eventIds.add(draft.event.eventId);
    for (const itemId of itemIdsOf(draft.event)) referenced.add(itemId);
    drafts.push(draft);
  }
  return drafts;
}

function importContext(input: {
  options: ImportOptions;
  builder: ImportReportBuilder;
  referenced: ReadonlySet<string>;
}): ImportContext {
  const { options, builder, referenced } = input;
  const scope = options.itemScope ?? (options.limit === undefined ? 'all' : 'referenced');
  let interactionRows = 0;
  const countRow = (): void => {
    builder.row();
    if (builder.report.rowsRead % PROGRESS_EVERY_ROWS === 0)
      options.onProgress?.(builder.report.rowsRead);
  };
  return {
    dir: options.dir,
    report: builder,
    takeRow() {
      if (options.limit !== undefined && interactionRows >= options.limit) return false;
      interactionRows += 1;
      countRow();
      return true;
    },
    catalogueRow: countRow,
    wantsItem: (itemId) => scope === 'all' || referenced.has(itemId),
  };
}

function itemIdsOf(event: EventDraft): string[] {
  if (event.eventType === 'purchase' || event.eventType === 'recommendation_impression') {
    return event.items.map((line) => line.itemId);
  }
  if (event.eventType === 'search') return event.resultItemIds;
  return 'itemId' in event ? [event.itemId] : [];
}

/** Undated catalogue snapshots take the first event's time, so they precede every event that uses them. */
function settleCatalogueTimes(drafts: DraftRecord[]): void {
  let firstEventMs = Number.POSITIVE_INFINITY;
  for (const draft of drafts) {
    if (draft.kind === 'event' && draft.timeMs < firstEventMs) firstEventMs = draft.timeMs;
  }
  const snapshotMs = Number.isFinite(firstEventMs) ? firstEventMs : EPOCH_MS;
  for (const draft of drafts) {
    if (draft.kind !== 'item' || draft.item.updatedAt !== undefined) continue;
    draft.timeMs = snapshotMs;
    draft.item.updatedAt = isoFromMs(snapshotMs);
  }
}

/** Time order; at the same instant items go first (an event may refer to them). Sort is stable. */
function byTimeItemsFirst(left: DraftRecord, right: DraftRecord): number {
  const byTime = (left.timeMs ?? 0) - (right.timeMs ?? 0);
  if (byTime !== 0) return byTime;
  return kindRank(left) - kindRank(right);
}

function kindRank(draft: DraftRecord): number {
  return draft.kind === 'item' ? 0 : 1;
}

/**
 * Datasets without session ids get sessions per identity (user, else anonymous id): a new session starts
 * after `gapMs` of inactivity. Runs on time-sorted drafts; the id is derived from the session's first
 * event, so it is as deterministic as the event ids.
 */
function assignSessions(drafts: DraftRecord[], gapMs: number): void {
  const open = new Map<string, { sessionId: string; lastMs: number }>();
  for (const draft of drafts) {
    if (draft.kind !== 'event' || draft.event.sessionId !== undefined) continue;
    const identity = draft.event.userId ?? draft.event.anonymousId ?? 'unknown';
    const session = open.get(identity);
    if (session !== undefined && draft.timeMs - session.lastMs <= gapMs) {
      session.lastMs = draft.timeMs;
      draft.event.sessionId = session.sessionId;
      continue;
    }
    const prefix = draft.event.eventId.split(':')[0] ?? 'session';
    const sessionId = stableId(prefix, ['s', identity, draft.timeMs]);
    open.set(identity, { sessionId, lastMs: draft.timeMs });
    draft.event.sessionId = sessionId;
  }
}

function validateDrafts(drafts: DraftRecord[], builder: ImportReportBuilder): DatasetRecord[] {
  const records: DatasetRecord[] = [];
  for (const draft of drafts) {
    const value = draft.kind === 'event' ? draft.event : draft.item;
    const checked = validateRecord({ kind: draft.kind, value });
    if (checked.ok) {
      records.push(checked.record);
      builder.emitted(checked.record.kind === 'item' ? 'item' : checked.record.event.eventType);
    } else {
      builder.invalid(
        checked.reason,
        draft.kind === 'event' ? draft.event.eventId : draft.item.itemId,
      );
    }
  }
  return records;
}

function finishReport(report: ImportReport, records: DatasetRecord[]): void {
  const first = records.find((record) => record.kind === 'event');
  const last = records.findLast((record) => record.kind === 'event');
  if (first?.kind === 'event') report.firstTimestamp = first.event.timestamp;
  if (last?.kind === 'event') report.lastTimestamp = last.event.timestamp;
}
