/**
 * What `npm run bench` runs: each bench's script and its sizes in the two modes — `full` (the published
 * figures, the default) and `quick` (a smoke run for CI: small sizes, a few minutes at most on a loaded
 * machine) — and the runner's own arguments. Pure.
 */
import { parseArgs } from 'node:util';
import { benchNames, type BenchName } from './bench-result';
import type { ServiceName } from '@recsys/testing';
import type { RunMode } from './bench-run';

export interface BenchSpec {
  name: BenchName;
  /** Relative to the repository root. */
  script: string;
  args: Record<RunMode, string[]>;
  /** Kills the bench (and the services it started) after this long. */
  timeoutMs: Record<RunMode, number>;
  /** Whether it needs Kafka and Redis. */
  infrastructure: boolean;
  /** The services it runs from the build output (the runner builds them once, before any bench). */
  services: ServiceName[];
}

const MINUTE = 60_000;
/** Arguments written as one line (no argument here contains a space). */
const argv = (line: string): string[] => line.split(' ');

export const BENCHES: readonly BenchSpec[] = [
  {
    name: 'ingest',
    script: 'tools/bench/ingest.bench.ts',
    args: {
      full: argv('--events 50000 --batch 100 --concurrency 16 --rounds 3'),
      quick: argv('--events 2000 --batch 100 --concurrency 8 --rounds 1'),
    },
    timeoutMs: { full: 20 * MINUTE, quick: 3 * MINUTE },
    infrastructure: true,
    services: ['collector'],
  },
  {
    name: 'preprocessor',
    script: 'tools/bench/features.bench.ts',
    args: {
      full: argv('--events 100000 --rate 5000 --seconds 20 --probes 50 --memory-events 1000000'),
      quick: argv(
        '--events 3000 --rate 200 --seconds 3 --probes 20 --memory-events 5000 --memory-users 200 --memory-items 100',
      ),
    },
    timeoutMs: { full: 45 * MINUTE, quick: 4 * MINUTE },
    infrastructure: true,
    services: ['preprocessor'],
  },
  {
    name: 'scorer',
    script: 'tools/bench/scorer.bench.ts',
    args: {
      full: argv('--rate 500 --seconds 15 --users 3000 --items 3000'),
      quick: argv('--rate 40 --seconds 3 --users 300 --items 300 --epochs 1'),
    },
    timeoutMs: { full: 30 * MINUTE, quick: 3 * MINUTE },
    infrastructure: true,
    services: ['scorer'],
  },
  {
    name: 'trainer',
    script: 'libs/model/bench/training-throughput.bench.ts',
    args: {
      full: argv('--backends tensorflow,wasm,cpu --encoders pooling,conv1d,gru,lstm'),
      quick: argv('--backends wasm --encoders pooling,conv1d,gru --repeats 1 --scale 0.1'),
    },
    timeoutMs: { full: 40 * MINUTE, quick: 3 * MINUTE },
    infrastructure: false,
    services: [],
  },
  {
    name: 'e2e',
    script: 'tools/bench/e2e.bench.ts',
    args: {
      full: argv('--samples 100 --users 3000 --items 3000 --epochs 1 --background 100'),
      quick: argv('--samples 10 --users 300 --items 300 --epochs 1 --background 20'),
    },
    timeoutMs: { full: 30 * MINUTE, quick: 4 * MINUTE },
    infrastructure: true,
    services: ['collector', 'preprocessor', 'scorer'],
  },
];

export interface RunnerOptions {
  mode: RunMode;
  /** Where results.json and README.md go. */
  outDir: string;
  benches: BenchSpec[];
  /** Attached to each run of this invocation. */
  notes: string[];
  /** Run nothing; re-render results.json and README.md from the runs they hold. */
  renderOnly: boolean;
}

function benchesNamed(list: string | undefined, option: string): BenchName[] | undefined {
  if (list === undefined) return undefined;
  const names = list.split(',').filter((name) => name !== '');
  const unknown = names.filter((name) => !(benchNames as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`--${option}: unknown bench ${unknown.join(', ')} (${benchNames.join(', ')})`);
  return names as BenchName[];
}

/**
 * `[--quick] [--only a,b] [--skip c] [--out dir] [--note text]… [--render]`. Quick results go to tmp/bench-quick
 * unless `--out` says otherwise, so a smoke run never replaces the published figures.
 */
export function parseRunnerArgs(argv: readonly string[]): RunnerOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      skip: { type: 'string' },
      out: { type: 'string' },
      note: { type: 'string', multiple: true },
      render: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const mode: RunMode = values.quick ? 'quick' : 'full';
  const only = benchesNamed(values.only, 'only');
  const skip = benchesNamed(values.skip, 'skip') ?? [];
  const benches = BENCHES.filter(
    (bench) => (only === undefined || only.includes(bench.name)) && !skip.includes(bench.name),
  );
  if (benches.length === 0) throw new Error('no bench left to run');
  return {
    mode,
    outDir: values.out ?? (mode === 'quick' ? 'tmp/bench-quick' : 'docs/bench'),
    benches,
    notes: values.note ?? [],
    renderOnly: values.render,
  };
}

/** Every service the benches run, each once. */
export function servicesOf(benches: readonly BenchSpec[]): ServiceName[] {
  return [...new Set(benches.flatMap((bench) => bench.services))];
}

/** The arguments of a bench's child process (after `node -r @swc-node/register`). */
export function childArgs(bench: BenchSpec, mode: RunMode, jsonFile: string): string[] {
  return [bench.script, ...bench.args[mode], '--json', jsonFile];
}
