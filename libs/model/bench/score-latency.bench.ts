/**
 * Latency of SequenceRanker.score() for one request (a 50-item history and N candidates), per encoder:
 * p50 and p99 over repeated calls after a warm-up, on the backend initialiseTensorflow picks (or
 * --backend). Prints a table; asserts nothing.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register libs/model/bench/score-latency.bench.ts \
 *     [--backend wasm] [--candidates 200] [--calls 200]
 */
import { loadavg } from 'node:os';
import {
  initialiseTensorflow,
  type TensorflowBackendName,
} from '../src/backend/initialise-tensorflow';
import { seededRandom } from '../src/random';
import { SequenceRanker } from '../src/ranker/sequence-ranker';
import { sequenceEncoders } from '../src/ranker/sequence-ranker-config';
import { ItemVocabulary } from '../src/vocabulary/item-vocabulary';

const ITEMS = 5_000;
const FEATURES = Array.from({ length: 10 }, (_, index) => `f${index}`);

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

async function main(): Promise<void> {
  const prefer = option('backend', 'tensorflow') as TensorflowBackendName;
  const candidates = Number(option('candidates', '200'));
  const calls = Number(option('calls', '200'));
  await initialiseTensorflow({ prefer, log: (message) => console.log(message) });
  const random = seededRandom(3);
  const vocabulary = ItemVocabulary.fromCounts(
    Array.from({ length: ITEMS }, (_, index): [string, number] => [`item-${index}`, 1]),
  );
  const input = {
    sequence: Array.from({ length: 50 }, () => `item-${random.below(ITEMS)}`),
    candidates: Array.from({ length: candidates }, () => ({
      itemId: `item-${random.below(ITEMS)}`,
      features: Object.fromEntries(FEATURES.map((name) => [name, random.normal()])),
    })),
  };
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  console.log(`${candidates} candidates, history 50, embedding 32, MLP [64, 32]`);
  console.log('encoder\tp50 ms\tp99 ms');
  for (const encoder of sequenceEncoders) {
    const ranker = SequenceRanker.create(
      {
        sequenceLength: 50,
        embeddingDim: 32,
        encoder,
        hiddenUnits: [64, 32],
        learningRate: 0.001,
        featureNames: FEATURES,
        seed: 1,
      },
      vocabulary,
    );
    for (let call = 0; call < 20; call += 1) await ranker.score(input);
    const timings: number[] = [];
    for (let call = 0; call < calls; call += 1) {
      const started = performance.now();
      await ranker.score(input);
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    console.log(
      `${encoder}\t${percentile(timings, 0.5).toFixed(2)}\t${percentile(timings, 0.99).toFixed(2)}`,
    );
    ranker.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
