/**
 * Diginetica rows and their instants. The files give each row's day (`eventdate`) and the milliseconds
 * since its session started (`timeframe`), but not the time of day. A session's start is therefore
 * estimated: every row constrains it to [day − timeframe, day + 24 h − timeframe), and the start is the
 * middle of the intersection over the session's rows (views and purchases together). Days and offsets
 * within a session are exact; the time of day is an estimate (dates are read as UTC: no zone is published).
 */
import { isPlausibleTimeMs, parseInteger, sourceId, stableId } from '../import/identity';
import type { ImportContext } from '../import/importer';
import { openTable } from '../io/lines';

export const DIGINETICA_PREFIX = 'dg';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface DigineticaRow {
  session: string;
  user: string | undefined;
  itemId: string;
  timeframeMs: number;
  dayMs: number;
  /** Purchases only. */
  orderId?: string;
  at: string;
}

export interface DigineticaColumns {
  session: string;
  user: string;
  item: string;
  timeframe: string;
  date: string;
  order?: string;
}

/** Reads one file's rows; `limited` tells that the import limit stopped it. */
export async function readDigineticaRows(
  context: ImportContext,
  source: { path: string; columns: DigineticaColumns },
): Promise<{ rows: DigineticaRow[]; limited: boolean }> {
  context.report.file(source.path);
  const table = await openTable(source.path, { delimiter: ';' });
  const names = source.columns;
  const index = {
    session: table.column(names.session),
    user: table.column(names.user),
    item: table.column(names.item),
    timeframe: table.column(names.timeframe),
    date: table.column(names.date),
    order: names.order === undefined ? -1 : table.column(names.order),
  };
  const rows: DigineticaRow[] = [];
  for await (const row of table.rows) {
    if (!context.takeRow()) return { rows, limited: true };
    const field = (at: number): string | undefined => row.fields[at];
    const parsed = rowOf({ field, index, at: row.at });
    if (typeof parsed === 'string') context.report.skip(parsed, row.at);
    else rows.push(parsed);
  }
  return { rows, limited: false };
}

function rowOf(input: {
  field: (index: number) => string | undefined;
  index: Record<keyof DigineticaColumns, number>;
  at: string;
}): DigineticaRow | string {
  const { field, index } = input;
  const session = sourceId(field(index.session));
  const itemId = sourceId(field(index.item));
  const orderId = index.order < 0 ? undefined : sourceId(field(index.order));
  const timeframeMs = parseInteger(field(index.timeframe));
  const dayMs = dayMsOf(field(index.date));
  if (session === undefined || itemId === undefined) return 'missing session or item id';
  if (index.order >= 0 && orderId === undefined) return 'missing ordernumber';
  if (!isPlausibleTimeMs(dayMs) || !(timeframeMs >= 0)) return 'unreadable eventdate or timeframe';
  const row: DigineticaRow = {
    session,
    user: userOf(field(index.user)),
    itemId,
    timeframeMs,
    dayMs,
    at: input.at,
  };
  if (orderId !== undefined) row.orderId = orderId;
  return row;
}

/** `NA` marks an anonymous session. */
function userOf(value: string | undefined): string | undefined {
  return value === 'NA' ? undefined : sourceId(value);
}

function dayMsOf(date: string | undefined): number {
  return date !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(date)
    ? Date.parse(`${date}T00:00:00Z`)
    : Number.NaN;
}

/** Estimated start of every session (see the file header); counts sessions whose dates contradict. */
export function sessionStarts(
  rows: readonly DigineticaRow[],
  context: ImportContext,
): Map<string, number> {
  const windows = new Map<string, { from: number; until: number; at: string }>();
  for (const row of rows) {
    const from = row.dayMs - row.timeframeMs;
    const until = from + DAY_MS;
    const window = windows.get(row.session);
    if (window === undefined) windows.set(row.session, { from, until, at: row.at });
    else
      windows.set(row.session, {
        from: Math.max(window.from, from),
        until: Math.min(window.until, until),
        at: window.at,
      });
  }
  const starts = new Map<string, number>();
  for (const [session, window] of windows) {
    if (window.from >= window.until) {
      context.report.adjust(
        'session dates contradict its timeframes: start at its lower bound',
        window.at,
      );
      starts.set(session, window.from);
    } else {
      starts.set(session, window.from + Math.floor((window.until - window.from) / 2));
    }
  }
  return starts;
}

export interface DigineticaIdentity {
  sessionId: string;
  anonymousId: string;
  userId: string | undefined;
}

/** Known users keep their id; every row gets an anonymous id and session id derived from the session. */
export function digineticaIdentity(
  row: Pick<DigineticaRow, 'session' | 'user'>,
): DigineticaIdentity {
  const sessionId = stableId(DIGINETICA_PREFIX, ['s', row.session]);
  return { sessionId, anonymousId: sessionId, userId: row.user };
}
