/**
 * What an import did, so nothing disappears silently: every source row is either mapped to records or
 * counted under a reason, and every value the importer had to fill in (a price a dataset does not have)
 * is counted too. Reasons carry the first place they happened (`file:line`) to make them findable.
 */

export interface ReasonCount {
  count: number;
  /** First occurrence, `file:line` (or a file name when the reason is about the whole file). */
  firstAt: string;
}

export interface ImportReport {
  dataset: string;
  dir: string;
  files: string[];
  /** Source rows read from interaction and catalogue files (header lines excluded). */
  rowsRead: number;
  /** Records written, by kind: `item` and each event type. */
  records: Record<string, number>;
  /** Source rows that could not be mapped, by reason. */
  skipped: Record<string, ReasonCount>;
  /** Mapped records that failed their zod schema, by first failing field. */
  invalid: Record<string, ReasonCount>;
  /** Values filled in or altered because the dataset lacks or overflows them, by what was done. */
  adjusted: Record<string, ReasonCount>;
  /** Facts about the import a reader of the output must know (e.g. synthesised timestamps). */
  notes: string[];
  firstTimestamp?: string;
  lastTimestamp?: string;
}

export class ImportReportBuilder {
  readonly report: ImportReport;

  constructor(dataset: string, dir: string) {
    this.report = {
      dataset,
      dir,
      files: [],
      rowsRead: 0,
      records: {},
      skipped: {},
      invalid: {},
      adjusted: {},
      notes: [],
    };
  }

  file(path: string): void {
    if (!this.report.files.includes(path)) this.report.files.push(path);
  }

  row(): void {
    this.report.rowsRead += 1;
  }

  skip(reason: string, at: string): void {
    countReason(this.report.skipped, { reason, at });
  }

  invalid(reason: string, at: string): void {
    countReason(this.report.invalid, { reason, at });
  }

  adjust(reason: string, at: string): void {
    countReason(this.report.adjusted, { reason, at });
  }

  note(text: string): void {
    if (!this.report.notes.includes(text)) this.report.notes.push(text);
  }

  emitted(kind: string): void {
    this.report.records[kind] = (this.report.records[kind] ?? 0) + 1;
  }
}

function countReason(
  counts: Record<string, ReasonCount>,
  occurrence: { reason: string; at: string },
): void {
  const existing = counts[occurrence.reason];
  if (existing === undefined) counts[occurrence.reason] = { count: 1, firstAt: occurrence.at };
  else existing.count += 1;
}

/** Sum of the counts of a reason table, e.g. every skipped row. */
export function totalOf(counts: Record<string, ReasonCount>): number {
  return Object.values(counts).reduce((sum, entry) => sum + entry.count, 0);
}
