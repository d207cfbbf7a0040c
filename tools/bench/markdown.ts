/**
 * The benchmark table: one row per figure with its target and verdict, and where, when and at which
 * revision it was measured; rendered as Markdown (docs/bench/README.md) and for the console. Pure.
 */
import type { Figure } from './bench-result';
import { isLoaded, type BenchRun, type RunReport } from './bench-run';
import { TARGETS, evaluate, type Target, type Verdict } from './targets';

export interface TableRow {
  bench: string;
  figure: string;
  measured: string;
  target: string;
  met: Verdict;
  machine: string;
  date: string;
  gitRev: string;
  notes: string;
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Enough digits to read, never more than the measurement carries. */
export function formatNumber(value: number): string {
  const size = Math.abs(value);
  if (size >= 100) return grouped.format(value);
  if (size >= 10 || Number.isInteger(value)) return String(Number(value.toFixed(1)));
  if (size >= 1) return String(Number(value.toFixed(2)));
  return String(Number(value.toPrecision(2)));
}

export function formatMeasured(figure: Pick<Figure, 'value' | 'unit' | 'detail'>): string {
  const detail = figure.detail === undefined ? '' : ` (${figure.detail})`;
  if (figure.value === null) return `not measured${detail}`;
  const unit = figure.unit === '×' ? '×' : figure.unit === '' ? '' : ` ${figure.unit}`;
  return `${formatNumber(figure.value)}${unit}${detail}`;
}

export function formatTarget(target: Target | undefined): string {
  return target?.text ?? '—';
}

function machineOf(run: BenchRun): string {
  const load = `load ${run.loadAverage.before.toFixed(1)}→${run.loadAverage.after.toFixed(1)}`;
  return `${run.machine.cpus} cores, ${load}${isLoaded(run) ? ' (loaded)' : ''}`;
}

/** `2026-11-29 10:04Z` */
const shortDate = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;

function runColumns(run: BenchRun) {
  return { machine: machineOf(run), date: shortDate(run.date), gitRev: run.gitRev };
}

function failedRow(run: BenchRun, targets: readonly Target[]): TableRow {
  const hasTargets = targets.some((target) => target.figure.startsWith(`${run.bench}.`));
  return {
    bench: run.bench,
    figure: `${run.bench} bench`,
    measured: 'failed',
    target: '—',
    met: hasTargets ? 'no' : '—',
    ...runColumns(run),
    notes: (run.error ?? 'no result').split('\n')[0]!.slice(0, 300),
  };
}

/** The table rows of every run: its figures, or one "failed" row for a bench without a result. */
export function tableRowsOf(
  runs: readonly BenchRun[],
  targets: readonly Target[] = TARGETS,
): TableRow[] {
  return runs.flatMap((run) => {
    if (run.result === undefined) return [failedRow(run, targets)];
    return evaluate([run.result], targets).map(({ figure, target, comparison }) => ({
      bench: run.bench,
      figure: figure.label,
      measured: formatMeasured(figure),
      target: formatTarget(target),
      met: comparison.verdict,
      ...runColumns(run),
      notes: [run.mode === 'quick' ? 'quick size' : '', comparison.reason ?? '', figure.note ?? '']
        .filter((note) => note !== '')
        .join('; '),
    }));
  });
}

const COLUMNS: Array<[keyof TableRow, string]> = [
  ['figure', 'figure'],
  ['measured', 'measured'],
  ['target', 'target'],
  ['met', 'met?'],
  ['machine', 'machine'],
  ['date', 'date'],
  ['gitRev', 'git rev'],
  ['notes', 'notes'],
];

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(rows: readonly TableRow[]): string {
  const header = `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`;
  const rule = `| ${COLUMNS.map(() => '---').join(' | ')} |`;
  const body = rows.map((row) => `| ${COLUMNS.map(([key]) => cell(row[key])).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

function loadWarning(runs: readonly BenchRun[]): string[] {
  const loaded = runs.filter(isLoaded);
  if (loaded.length === 0) return [];
  const peak = Math.max(...loaded.map((run) => run.loadAverage.before));
  return [
    `> **Loaded machine.** ${loaded.map((run) => run.bench).join(', ')} started while the machine was ` +
      `busy (load average up to ${peak.toFixed(1)} on ${loaded[0]!.machine.cpus} cores): their figures are ` +
      'lower than a quiet machine gives. Re-run them on a quiet machine before quoting them.',
    '',
  ];
}

/** The operator's notes (`--note`), once per distinct note, naming the benches of runs it was given to. */
function operatorNotes(runs: readonly BenchRun[]): string[] {
  const benchesByNote = new Map<string, string[]>();
  for (const run of runs) {
    for (const note of run.notes)
      benchesByNote.set(note, [...(benchesByNote.get(note) ?? []), run.bench]);
  }
  return [...benchesByNote].map(([note, benches]) => `> **${benches.join(', ')}**: ${note}\n`);
}

function machineLines(runs: readonly BenchRun[]): string[] {
  const seen = new Set<string>();
  return runs.flatMap((run) => {
    const { cpus, cpuModel, memoryGb, platform, node } = run.machine;
    const line = `- ${cpus} × ${cpuModel}, ${memoryGb} GB, ${platform}, Node ${node}`;
    if (seen.has(line)) return [];
    seen.add(line);
    return [line];
  });
}

function detailLines(runs: readonly BenchRun[]): string[] {
  return runs.flatMap((run) => {
    const size = Object.entries(run.result?.size ?? {})
      .map(([name, value]) => `${name} ${String(value)}`)
      .join(', ');
    const notes = run.result?.notes ?? [];
    const took = `${Math.round(run.durationSeconds)} s`;
    return [
      `- **${run.bench}** (${run.mode}, ${took}): ${size || 'no result'}`,
      ...notes.map((note) => `  - ${note}`),
      ...run.notes.map((note) => `  - operator's note: ${note}`),
    ];
  });
}

const HOW_MEASURED = [
  '- **ingest**: `tools/bench/ingest.bench.ts`: the collector in its own process over HTTP next to two arms fed the same events in the same batches and concurrency, to the same broker: "Fastify + kafkajs, no validation" (its own process, the same HTTP client; parses the body and sends each event as it came) and a bare kafkajs producer; all producers idempotent with acks from all in-sync replicas; CPU per event of both server processes from /proc; rounds rotate which arm goes first; medians.',
  '- **preprocessor**: `tools/bench/features.bench.ts`: events/s applying a preloaded topic (stored offsets in Redis, first to last batch); freshness at a fixed rate, from before the produce call to the event’s de-duplication marker visible in Redis (written in the same atomic script as its features), polled every 5 ms; the features.updated notices’ own timestamps beside it.',
  '- **scorer**: `tools/bench/scorer.bench.ts`: a week of synthetic storefront history in Redis and a trained Conv1D champion; `GET /v1/recommendations/{user}?k=10` over HTTP at a fixed offered rate (open loop), then 16 in flight for the maximum.',
  '- **trainer**: `libs/model/bench/training-throughput.bench.ts`: optimizer steps/s at batch 256 per encoder and backend (median of timed epochs after a warm-up), examples/s = steps/s × 256; per CPU-second beside it (the machine is shared).',
  '- **e2e**: `tools/bench/e2e.bench.ts`: collector, preprocessor and scorer as processes; a new shopper views an item with co-visitation neighbours; the scorer is polled until the shopper’s top-10 is personalised and differs; background traffic of other shoppers flows meanwhile.',
];

export function renderMarkdown(report: RunReport, targets: readonly Target[] = TARGETS): string {
  const { runs } = report;
  return [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (`tools/bench/run-all.ts`): every bench in its own process on one Kafka',
    'and Redis, compared with the targets in `tools/bench/targets.ts`. `npm run bench -- --only <bench>`',
    're-runs one bench and keeps the other rows. Every figure, size and note is in `results.json` beside',
    'this file. Generated: do not edit.',
    '',
    ...loadWarning(runs),
    ...operatorNotes(runs),
    markdownTable(tableRowsOf(runs, targets)),
    '',
    '## Machine',
    '',
    ...machineLines(runs),
    '',
    '## Sizes and notes',
    '',
    ...detailLines(runs),
    '',
    '## How each figure is measured',
    '',
    ...HOW_MEASURED,
    '',
  ].join('\n');
}

/** The table for a terminal: figure, measured, target, met. */
export function renderConsole(rows: readonly TableRow[]): string {
  const columns: Array<keyof TableRow> = ['figure', 'measured', 'target', 'met'];
  const widths = columns.map((key) =>
    Math.min(70, Math.max(key.length, ...rows.map((row) => row[key].length))),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map((row) => line(columns.map((key) => row[key])))].join('\n');
}
