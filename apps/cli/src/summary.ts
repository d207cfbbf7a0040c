/** Plain-text tables for command summaries. */
import { totalOf, type ReasonCount } from '@recsys/datasets';

/** `  name  count` lines, largest first. */
export function formatTable(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort((left, right) => right[1] - left[1]);
  if (entries.length === 0) return '  (none)';
  const width = Math.max(...entries.map(([name]) => name.length));
  return entries
    .map(([name, count]) => `  ${name.padEnd(width)}  ${count.toLocaleString('en-US')}`)
    .join('\n');
}

/** A titled list of reasons with their count and first occurrence; "title: none" when empty. */
export function formatReasons(
  title: string,
  reasons: Readonly<Record<string, ReasonCount>>,
): string {
  const entries = Object.entries(reasons).sort((left, right) => right[1].count - left[1].count);
  if (entries.length === 0) return `${title}: none`;
  const lines = entries.map(
    ([reason, entry]) =>
      `  ${entry.count.toLocaleString('en-US').padStart(9)}  ${reason}  (first: ${entry.firstAt})`,
  );
  return [`${title}: ${totalOf(reasons).toLocaleString('en-US')}`, ...lines].join('\n');
}

/** A column-aligned table with a header row. */
export function formatColumns(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
