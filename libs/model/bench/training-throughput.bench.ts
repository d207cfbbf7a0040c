/**
 * Training throughput of the sequence ranker per encoder and backend, in optimizer steps per second at
 * batch 256 (median of several timed epochs, after a warm-up), by the wall clock and per CPU-second of
 * the process (the machine is shared). Prints a table; asserts nothing.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register libs/model/bench/training-throughput.bench.ts \
 *     [--backends wasm,cpu] [--encoders pooling,conv1d,gru,lstm] [--items 5000] [--repeats 3]
 *
 * The shape is the platform's: 50 items of history, 32-wide embedding and recurrent state, an MLP of
 * [64, 32] over 10 dense features. The cpu backend runs with our single-pass UnsortedSegmentSum (its
 * stock kernel is O(vocabulary × batch) per step).
 */
import { loadavg } from 'node:os';
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

/** Batches per timed epoch: enough to smooth noise, few enough for the slow cells. */
function batchesFor(encoder: SequenceEncoder, backend: string): number {
  const recurrent = encoder === 'gru' || encoder === 'lstm';
  if (backend === 'cpu') return recurrent ? 2 : 4;
  return recurrent ? 8 : 40;
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

async function measure(cell: {
  encoder: SequenceEncoder;
  backend: string;
  items: number;
  repeats: number;
}): Promise<Throughput> {
  const data = examples(BATCH * batchesFor(cell.encoder, cell.backend), cell.items);
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

async function main(): Promise<void> {
  const backends = option('backends', 'wasm,cpu').split(',');
  const encoders = option('encoders', sequenceEncoders.join(',')).split(',') as SequenceEncoder[];
  const items = Number(option('items', '5000'));
  const repeats = Number(option('repeats', '3'));
  await initialiseTensorflow({ prefer: 'wasm', log: (message) => console.log(message) });
  registerCpuTrainingKernels();
  console.log(
    `batch ${BATCH}, sequence ${SEQUENCE_LENGTH}, embedding 32, MLP [64, 32], ${FEATURES.length} features, ${items} items`,
  );
  const load = (): string =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  console.log(`load average at start ${load()}`);
  console.log('steps/s: wall clock (per CPU-second of this process)');
  console.log(['encoder', ...backends].join('\t'));
  for (const encoder of encoders) {
    const row: string[] = [encoder];
    for (const backend of backends) {
      await setBackend(backend);
      const { wall, cpu } = await measure({ encoder, backend, items, repeats });
      row.push(`${wall.toFixed(1)} (${cpu.toFixed(1)})`);
    }
    console.log(row.join('\t'));
  }
  console.log(`load average at end ${load()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
