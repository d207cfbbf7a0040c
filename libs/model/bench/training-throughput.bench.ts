/**
 * Training throughput of the sequence ranker per encoder and backend, in optimizer steps per second at
 * batch 256 (median of several timed epochs, after a warm-up), by the wall clock and per CPU-second of
 * the process (the machine is shared). Prints a table; asserts nothing.
 *
 *   npm run bench:trainer -- [--backends tensorflow,wasm,cpu] [--encoders pooling,conv1d,gru,lstm]
 *     [--items 5000] [--repeats 3] [--scale 1] [--json <file>]
 *
 * A backend that cannot start here (tensorflow = @tensorflow/tfjs-node, an optional dependency) is
 * reported as not available. `--scale 0.25` times a quarter of the batches (a smoke run). With `--json`
 * the figures go to a file in the runner's format (`npm run bench` collects them, tools/bench/run-all.ts).
 *
 * The shape is the platform's: 50 items of history, 32-wide embedding and recurrent state, an MLP of
 * [64, 32] over 10 dense features. The cpu backend runs with our single-pass UnsortedSegmentSum (its
 * stock kernel is O(vocabulary × batch) per step).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { setBackend } from '@tensorflow/tfjs-core';
import { initialiseTensorflow } from '../src/backend/initialise-tensorflow';
import { registerCpuTrainingKernels } from '../src/kernels/register-training-kernels';
import { seededRandom } from '../src/random';
import type { LabelledExample } from '../src/ranker/examples';
import { SequenceRanker } from '../src/ranker/sequence-ranker';
import { sequenceEncoders, type SequenceEncoder } from '../src/ranker/sequence-ranker-config';
import { ItemVocabulary } from '../src/vocabulary/item-vocabulary';

const BATCH = 256;
const SEQUENCE_LENGTH = 50;
const FEATURES = Array.from({ length: 10 }, (_, index) => `f${index}`);

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

function examples(count: number, items: number): LabelledExample[] {
  const random = seededRandom(42);
  return Array.from({ length: count }, () => ({
    sequence: Array.from({ length: 30 + random.below(40) }, () => `item-${random.below(items)}`),
    itemId: `item-${random.below(items)}`,
    features: Object.fromEntries(FEATURES.map((name) => [name, random.normal()])),
    label: random.next() < 0.3 ? 1 : 0,
  }));
}

/** Batches per timed epoch: enough to smooth noise, few enough for the slow cells; `scale` shrinks them. */
function batchesFor(cell: { encoder: SequenceEncoder; backend: string; scale: number }): number {
  const recurrent = cell.encoder === 'gru' || cell.encoder === 'lstm';
  const full = cell.backend === 'cpu' ? (recurrent ? 2 : 4) : recurrent ? 8 : 40;
  return Math.max(1, Math.round(full * cell.scale));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

interface Throughput {
  /** Steps per second of wall-clock training time (what a caller waits for). */
  wall: number;
  /**
   * Steps per second of CPU time the process used meanwhile: on a shared machine this is close to
   * what an idle core would give (wasm and JavaScript here are single-threaded).
   */
  cpu: number;
}

async function timedEpoch(ranker: SequenceRanker, data: LabelledExample[]): Promise<Throughput> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await ranker.fit(data, { epochs: 1, batchSize: BATCH });
  const wallMs = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  const steps = data.length / BATCH;
  return { wall: (steps * 1000) / wallMs, cpu: (steps * 1e6) / (cpu.user + cpu.system) };
}

interface Cell {
  encoder: SequenceEncoder;
  backend: string;
  items: number;
  repeats: number;
  scale: number;
}

async function measure(cell: Cell): Promise<Throughput> {
  const data = examples(BATCH * batchesFor(cell), cell.items);
  const vocabulary = ItemVocabulary.fromCounts(
    Array.from({ length: cell.items }, (_, index): [string, number] => [`item-${index}`, 1]),
  );
  const ranker = SequenceRanker.create(
    {
      sequenceLength: SEQUENCE_LENGTH,
      embeddingDim: 32,
      encoder: cell.encoder,
      hiddenUnits: [64, 32],
      learningRate: 0.001,
      featureNames: FEATURES,
      seed: 1,
    },
    vocabulary,
  );
  await ranker.fit(data.slice(0, BATCH * 2), { epochs: 1, batchSize: BATCH });
  const runs: Throughput[] = [];
  for (let repeat = 0; repeat < cell.repeats; repeat += 1)
    runs.push(await timedEpoch(ranker, data));
  ranker.dispose();
  return { wall: median(runs.map((run) => run.wall)), cpu: median(runs.map((run) => run.cpu)) };
}

/** Why a backend cannot run here, or undefined when it can. */
async function unavailable(backend: string): Promise<string | undefined> {
  if (backend === 'tensorflow') {
    try {
      // Registers the 'tensorflow' backend when the native binding is installed (optional dependency).
      createRequire(__filename)('@tensorflow/tfjs-node');
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return `@tensorflow/tfjs-node did not load (${message})`;
    }
  }
  try {
    return (await setBackend(backend)) ? undefined : `setBackend('${backend}') failed`;
  } catch (error) {
    return String(error);
  }
}

interface FigureOut {
  id: string;
  label: string;
  value: number | null;
  unit: string;
  detail?: string;
  note?: string;
}

function figureOf(cell: Cell, measured: Throughput): FigureOut {
  return {
    id: `trainer.${cell.backend}.${cell.encoder}.stepsPerSecond`,
    label: `trainer ${cell.encoder} on ${cell.backend}, batch ${BATCH}`,
    unit: 'steps/s',
    // Three significant digits: the cpu backend's Conv1D runs well under 0.1 steps/s.
    value: Number(measured.wall.toPrecision(3)),
    detail: `${Math.round(measured.wall * BATCH)} examples/s; ${measured.cpu.toPrecision(3)} steps per CPU-second`,
    note: `median of ${cell.repeats} timed epoch(s) of ${batchesFor(cell)} steps after a warm-up`,
  };
}

/** One row for a backend that cannot run here, instead of one per encoder. */
function unavailableFigure(backend: string, reason: string): FigureOut {
  return {
    id: `trainer.${backend}.available`,
    label: `trainer on ${backend}`,
    unit: 'steps/s',
    value: null,
    detail: `not available: ${reason}`,
  };
}

const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Writes the result in the shape of tools/bench/bench-result.ts (the runner of `npm run bench` reads it). */
function writeResult(file: string, result: object): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(resolve(file), `${JSON.stringify(result, null, 2)}\n`);
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const backends = option('backends', 'tensorflow,wasm,cpu').split(',');
  const encoders = option('encoders', sequenceEncoders.join(',')).split(',') as SequenceEncoder[];
  const items = Number(option('items', '5000'));
  const repeats = Number(option('repeats', '3'));
  const scale = Number(option('scale', '1'));
  const notes: string[] = [];
  // Which backends run is decided per backend below; the start-up log's "skipped" part would mislead.
  await initialiseTensorflow({
    prefer: 'wasm',
    log: (message) => notes.push(message.replace(/; skipped .*$/, '')),
  });
  registerCpuTrainingKernels();
  notes.push(
    `batch ${BATCH}, sequence ${SEQUENCE_LENGTH}, embedding 32, MLP [64, 32], ${FEATURES.length} features, ${items} items`,
    `load average at start ${loadAverage()}`,
  );
  console.log(notes.join('\n'));
  console.log('steps/s: wall clock (per CPU-second of this process)');
  console.log(['encoder', ...backends].join('\t'));
  const problems = new Map<string, string | undefined>();
  for (const backend of backends) problems.set(backend, await unavailable(backend));
  const figures: FigureOut[] = [...problems].flatMap(([backend, problem]) =>
    problem === undefined ? [] : [unavailableFigure(backend, problem)],
  );
  for (const encoder of encoders) {
    const row: string[] = [encoder];
    for (const backend of backends) {
      const cell = { encoder, backend, items, repeats, scale };
      if (problems.get(backend) !== undefined) {
        row.push('n/a');
        continue;
      }
      await setBackend(backend);
      const measured = await measure(cell);
      figures.push(figureOf(cell, measured));
      row.push(`${measured.wall.toPrecision(3)} (${measured.cpu.toPrecision(3)})`);
    }
    console.log(row.join('\t'));
  }
  notes.push(`load average at end ${loadAverage()}`);
  console.log(notes[notes.length - 1]);
  const json = option('json', '');
  if (json !== '')
    writeResult(json, {
      bench: 'trainer',
      startedAt,
      finishedAt: new Date().toISOString(),
      size: {
        backends: backends.join(','),
        encoders: encoders.join(','),
        items,
        repeats,
        scale,
        batch: BATCH,
      },
      figures,
      notes,
    });
}

main().catch((error: unknown) => {
  console.error(error);
  // The last line is what `npm run bench` quotes.
  console.error(`bench trainer failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
