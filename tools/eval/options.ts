/** Command-line options of `npm run eval`, checked once into a typed object. */
import { parseArgs } from 'node:util';

export const encoders = ['pooling', 'conv1d', 'gru', 'lstm'] as const;
export type Encoder = (typeof encoders)[number];

export interface EvalOptions {
  /** A shared dataset name, `all`, or `synthetic` (generated, no shared data needed). */
  dataset: string;
  /** Test cases per dataset (deterministic sample). */
  maxCases: number;
  /** Labelled training examples for the neural model (positives × (1 + negatives)). */
  maxExamples: number;
  encoder: Encoder;
  epochs: number;
  /** Time-blocked folds for choosing among model settings; 1 = no selection. */
  folds: number;
  /** JSON result file; default docs/eval/<dataset>.json (with `all`: one file per dataset). */
  out: string | undefined;
  /** Where the JSON files and README.md go. */
  docsDir: string | undefined;
  targets: 'all' | 'purchases';
  seed: number;
  skipModel: boolean;
  backend: 'tensorflow' | 'wasm' | 'cpu';
}

export const USAGE = `npm run eval -- --dataset <name|all|synthetic> [options]

  --dataset         ${'retailrocket, yoochoose, diginetica, rees46, movielens-100k, movielens-1m, amazon-beauty, amazon-magazine'},
                    all (every one of them) or synthetic (a generated storefront)
  --max-cases N     test cases per dataset, deterministic sample (default 2000)
  --max-examples N  training examples for the neural model (default 60000)
  --encoder E       pooling | conv1d | gru | lstm (default pooling)
  --epochs N        training epochs (default 6; early stopping on a time-held-out slice)
  --folds N         time-blocked folds on the training period to choose encoder/epochs (default 1: no selection)
  --target T        all (every item interaction) | purchases (default all)
  --out FILE        JSON result file (default docs/eval/<dataset>.json)
  --docs DIR        directory of the JSON files and README.md (default docs/eval)
  --backend B       preferred TensorFlow.js backend: tensorflow | wasm | cpu (default tensorflow, falls back)
  --seed N          sampling and initialisation seed (default 7)
  --skip-model      baselines only`;

export class UsageError extends Error {}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** One of `allowed`; the first is the default. */
function choice<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly [T, ...T[]],
): T {
  if (raw === undefined) return allowed[0];
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const FLAGS = {
  dataset: { type: 'string' },
  'max-cases': { type: 'string' },
  'max-examples': { type: 'string' },
  encoder: { type: 'string' },
  epochs: { type: 'string' },
  folds: { type: 'string' },
  target: { type: 'string' },
  out: { type: 'string' },
  docs: { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  'skip-model': { type: 'boolean' },
} as const;

function parseFlags(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: FLAGS, strict: true }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function parseEvalOptions(args: readonly string[]): EvalOptions {
  const values = parseFlags(args);
  if (values.dataset === undefined) throw new UsageError('--dataset is required');
  return {
    dataset: values.dataset,
    maxCases: positiveInteger('max-cases', values['max-cases'], 2000),
    maxExamples: positiveInteger('max-examples', values['max-examples'], 60_000),
    encoder: choice('encoder', values.encoder, encoders),
    epochs: positiveInteger('epochs', values.epochs, 6),
    folds: positiveInteger('folds', values.folds, 1),
    targets: choice('target', values.target, ['all', 'purchases'] as const),
    out: values.out,
    docsDir: values.docs,
    backend: choice('backend', values.backend, ['tensorflow', 'wasm', 'cpu'] as const),
    seed: positiveInteger('seed', values.seed, 7),
    skipModel: values['skip-model'] ?? false,
  };
}
