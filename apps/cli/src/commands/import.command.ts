/** `import`: a public dataset folder → time-sorted, contract-valid records in a JSONL file. */
import {
  datasetNames,
  importDataset,
  writeJsonl,
  type DatasetName,
  type ImportOptions,
  type ImportReport,
} from '@recsys/datasets';
import type { Command } from '../io';
import { ProgressLine } from '../progress';
import { formatReasons, formatTable } from '../summary';
import { choiceOption, integerOption, parseOptions, required } from '../usage';

const USAGE = `recsys import --dataset <${[...datasetNames, 'auto'].join('|')}> --path <dir> --out <file.jsonl>
              [--limit N] [--items all|referenced] [--session-gap-minutes N]

  --limit N                 read at most N interaction rows (catalogue rows are not counted)
  --items                   which catalogue items to write; default: referenced with --limit, else all
  --session-gap-minutes N   inactivity that ends a derived session (default 30)`;

const OPTIONS = {
  dataset: { type: 'string' },
  path: { type: 'string' },
  out: { type: 'string' },
  limit: { type: 'string' },
  items: { type: 'string' },
  'session-gap-minutes': { type: 'string' },
} as const;

type ImportValues = ReturnType<typeof parseOptions<typeof OPTIONS>>;

export const importCommand: Command = {
  name: 'import',
  summary: 'import a public dataset into a JSONL file of records',
  usage: USAGE,
  async run(args, io) {
    const values = parseOptions(args, OPTIONS);
    const options = importOptionsOf(values);
    const out = required('out', values.out);
    const startedMs = Date.now();
    const reading = new ProgressLine({ stream: io.stderr, label: 'import', unit: 'rows' });
    const { records, report } = await importDataset({
      ...options,
      onProgress: (rows) => reading.update(rows),
    });
    reading.done(report.rowsRead);
    const writing = new ProgressLine({ stream: io.stderr, label: 'write', unit: 'records' });
    const written = await writeJsonl(out, records, {
      onProgress: (count) => writing.update(count),
    });
    writing.done(written);
    // With --out - the records go to standard output, so the summary goes to standard error.
    const summaryStream = out === '-' ? io.stderr : io.stdout;
    summaryStream.write(importSummary({ report, out, written, elapsedMs: Date.now() - startedMs }));
  },
};

function importOptionsOf(values: ImportValues): ImportOptions {
  const dataset = choiceOption<DatasetName | 'auto'>(
    'dataset',
    required('dataset', values.dataset),
    [...datasetNames, 'auto'],
  );
  const gapMinutes = integerOption('session-gap-minutes', values['session-gap-minutes'], {
    min: 1,
    max: 24 * 60,
  });
  return {
    dataset: dataset ?? 'auto',
    dir: required('path', values.path),
    limit: integerOption('limit', values.limit, { min: 1, max: Number.MAX_SAFE_INTEGER }),
    itemScope: choiceOption('items', values.items, ['all', 'referenced'] as const),
    sessionGapMs: gapMinutes === undefined ? undefined : gapMinutes * 60_000,
  };
}

function importSummary(input: {
  report: ImportReport;
  out: string;
  written: number;
  elapsedMs: number;
}): string {
  const { report } = input;
  const seconds = Math.max(0.001, input.elapsedMs / 1000);
  const lines = [
    `dataset   ${report.dataset} (${report.dir})`,
    `files     ${report.files.join(', ')}`,
    `rows      ${report.rowsRead.toLocaleString('en-US')} read`,
    `written   ${input.written.toLocaleString('en-US')} records to ${input.out} in ${seconds.toFixed(1)}s (${Math.round(input.written / seconds).toLocaleString('en-US')} records/s)`,
    `time      ${report.firstTimestamp ?? '-'} .. ${report.lastTimestamp ?? '-'}`,
    'records by kind:',
    formatTable(report.records),
    formatReasons('skipped rows', report.skipped),
    formatReasons('records failing their schema (not written)', report.invalid),
    formatReasons('values filled in or altered', report.adjusted),
    ...(report.notes.length === 0 ? [] : ['notes:', ...report.notes.map((note) => `  - ${note}`)]),
  ];
  return `${lines.join('\n')}\n`;
}
