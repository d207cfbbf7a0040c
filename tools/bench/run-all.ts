/**
 * `npm run bench [-- --quick] [--only scorer,e2e] [--skip trainer] [--out dir] [--note "…"]`
 * Runs every benchmark in sequence, each in a fresh child process (one cannot disturb the next through
 * its heap, JIT or leftover timers), on one Kafka and one Redis it starts itself (or KAFKA_BROKERS /
 * REDIS_URL), compares the figures with the targets (targets.ts) and writes `results.json` and
 * `README.md` (the table) to docs/bench/ — to tmp/bench-quick/ with `--quick`, the CI smoke size. A run
 * of some benches keeps the other benches' latest rows. Exits 1 when a bench failed to produce figures
 * (a missed target is a figure, not a failure).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { REPO_ROOT, buildServices, PREBUILT_SERVICES_ENV } from '@recsys/testing';
import { benchResultSchema, type BenchResult } from './bench-result';
import { mergeRuns, parseRunReport, type BenchRun, type RunReport } from './bench-run';
import { renderConsole, renderMarkdown, tableRowsOf } from './markdown';
import {
  childArgs,
  parseRunnerArgs,
  servicesOf,
  type BenchSpec,
  type RunnerOptions,
} from './run-plan';
import {
  gitRevision,
  loadAverage,
  machine,
  runChild,
  settledLoad,
  startInfrastructure,
  type ChildOutcome,
  type RunnerInfrastructure,
} from './runner-processes';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Stops the running child (and its services) and the infrastructure when the runner is interrupted. */
const cleanups = new Set<() => unknown>();
function onInterrupt(): void {
  log('interrupted: stopping the bench and the infrastructure it started');
  void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() => process.exit(130));
}

/** The line a failed bench ends with (`bench <name> failed: <message>`), else its last line. */
function lastWords(tail: string): string {
  const lines = tail.split('\n').filter((line) => line.trim() !== '');
  return [...lines].reverse().find((line) => / failed: /.test(line)) ?? lines.pop() ?? '';
}

function readResult(file: string, outcome: ChildOutcome): BenchResult | string {
  if (outcome.timedOut) return `timed out; last output: ${lastWords(outcome.tail)}`;
  if (outcome.exitCode !== 0) return `exited with ${outcome.exitCode}: ${lastWords(outcome.tail)}`;
  if (!existsSync(file)) return 'finished without writing its result';
  const parsed = benchResultSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : `result does not parse: ${parsed.error.message}`;
}

async function runOne(input: {
  bench: BenchSpec;
  options: RunnerOptions;
  env: Record<string, string>;
  stamp: Pick<BenchRun, 'gitRev' | 'machine'>;
}): Promise<BenchRun> {
  const { bench, options } = input;
  const directory = mkdtempSync(join(tmpdir(), `recsys-bench-${bench.name}-`));
  const file = join(directory, 'result.json');
  // Full runs give the previous bench's load time to decay; the CI smoke run does not wait.
  const before = options.mode === 'full' ? await settledLoad(90_000) : loadAverage();
  const startedMs = Date.now();
  log(`${bench.name}: ${childArgs(bench, options.mode, file).join(' ')}`);
  const child = runChild({
    label: bench.name,
    args: childArgs(bench, options.mode, file),
    env: input.env,
    timeoutMs: bench.timeoutMs[options.mode],
  });
  cleanups.add(child.kill);
  const outcome = await child.done;
  cleanups.delete(child.kill);
  const result = readResult(file, outcome);
  rmSync(directory, { recursive: true, force: true });
  return {
    bench: bench.name,
    mode: options.mode,
    date: new Date().toISOString(),
    ...input.stamp,
    loadAverage: { before, after: loadAverage() },
    durationSeconds: Math.round((Date.now() - startedMs) / 1_000),
    ...(typeof result === 'string' ? { error: result } : { result }),
    notes: options.notes,
  };
}

/** Generated files follow the repository's Prettier settings, so format:check stays clean. */
async function writeFormatted(path: string, text: string): Promise<void> {
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...options, filepath: path }));
}

async function write(options: RunnerOptions, runs: BenchRun[]): Promise<RunReport> {
  const directory = resolve(REPO_ROOT, options.outDir);
  const resultsFile = join(directory, 'results.json');
  const previous = parseRunReport(
    existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : undefined,
  );
  const report: RunReport = {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    runs: mergeRuns(previous?.runs ?? [], runs),
  };
  mkdirSync(directory, { recursive: true });
  const rows = tableRowsOf(report.runs);
  await writeFormatted(resultsFile, JSON.stringify({ ...report, rows }));
  await writeFormatted(join(directory, 'README.md'), renderMarkdown(report));
  log(`wrote ${join(options.outDir, 'results.json')} and ${join(options.outDir, 'README.md')}`);
  return report;
}

/** Kafka and Redis for the benches that need them (none for the trainer alone). */
async function infrastructureFor(options: RunnerOptions): Promise<RunnerInfrastructure> {
  if (!options.benches.some((bench) => bench.infrastructure))
    return { kafka: '', redis: '', stop: async () => undefined };
  const infrastructure = await startInfrastructure(log);
  log(`kafka ${infrastructure.kafka}, redis ${infrastructure.redis}`);
  return infrastructure;
}

async function runAll(options: RunnerOptions): Promise<BenchRun[]> {
  const stamp = { gitRev: await gitRevision(), machine: machine() };
  log(`${options.mode} run of ${options.benches.map((bench) => bench.name).join(', ')}`);
  const services = servicesOf(options.benches);
  if (services.length > 0) {
    log(`building ${services.join(', ')}`);
    await buildServices(services);
  }
  const infrastructure = await infrastructureFor(options);
  cleanups.add(infrastructure.stop);
  const env = {
    ...(infrastructure.kafka === ''
      ? {}
      : { KAFKA_BROKERS: infrastructure.kafka, REDIS_URL: infrastructure.redis }),
    [PREBUILT_SERVICES_ENV]: services.join(','),
  };
  const runs: BenchRun[] = [];
  try {
    for (const bench of options.benches) runs.push(await runOne({ bench, options, env, stamp }));
  } finally {
    cleanups.delete(infrastructure.stop);
    await infrastructure.stop();
  }
  return runs;
}

async function main(): Promise<void> {
  const options = parseRunnerArgs(process.argv.slice(2));
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  // --render: only re-writes the files from the stored runs (after a change to the table or the targets).
  const runs = options.renderOnly ? [] : await runAll(options);
  const report = await write(options, runs);
  process.stdout.write(`\n${renderConsole(tableRowsOf(report.runs))}\n`);
  const failed = runs.filter((run) => run.result === undefined);
  for (const run of failed) log(`${run.bench} failed: ${run.error ?? ''}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
