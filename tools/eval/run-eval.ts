/**
 * The evaluation run behind `npm run eval`: datasets in turn through the protocol, a table each, the JSON
 * files and the README. Output formatting is injected (Prettier in the CLI), so tests need no ESM loader.
 */
import { join, resolve } from 'node:path';
import type { SyntheticStorefrontOptions } from '@recsys/datasets';
import { initialiseTensorflow } from '@recsys/model';
import { runExperiment, type DatasetResult } from './experiment';
import { UsageError, type EvalOptions } from './options';
import { consoleTable, writeJson, writeReadme, type FormatFile } from './report';
import {
  datasetsDir,
  loadSharedDataset,
  loadSyntheticDataset,
  sharedDatasets,
  type LoadedDataset,
} from './shared-datasets';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface EvalIo {
  log: (line: string) => void;
  out: (text: string) => void;
  /** Where the shared datasets are (RECSYS_DATASETS_DIR). */
  datasetsDir?: string | undefined;
  /** Shape of the `synthetic` dataset. @default 400 users, 300 items, 21 days, seed 11 */
  synthetic?: SyntheticStorefrontOptions;
  /** Formats a generated file's text before it is written. @default unchanged */
  format?: FormatFile;
}

const SYNTHETIC_DEFAULTS: SyntheticStorefrontOptions = {
  seed: 11,
  users: 400,
  items: 300,
  days: 21,
};

export async function runEval(options: EvalOptions, io: EvalIo): Promise<DatasetResult[]> {
  const names = datasetNamesOf(options.dataset);
  if (!options.skipModel) {
    const { backend } = await initialiseTensorflow({ prefer: options.backend, log: io.log });
    io.log(`TensorFlow.js backend in use: ${backend}`);
  }
  const docsDir = resolve(options.docsDir ?? join(REPO_ROOT, 'docs', 'eval'));
  const results: DatasetResult[] = [];
  for (const name of names) {
    const loadedMs = performance.now();
    const data = await load(name, io);
    io.log(`${name}: loaded in ${((performance.now() - loadedMs) / 1000).toFixed(1)} s`);
    const result = await runExperiment(data, { options, log: io.log });
    io.out(consoleTable(result));
    const path =
      options.out !== undefined && names.length === 1
        ? resolve(options.out)
        : join(docsDir, `${name}.json`);
    await writeJson(path, result, io.format);
    results.push(result);
  }
  if (options.out !== undefined && names.length > 1)
    await writeJson(resolve(options.out), results, io.format);
  await writeReadme(docsDir, io.format);
  return results;
}

function datasetNamesOf(dataset: string): string[] {
  if (dataset === 'all') return sharedDatasets.map((entry) => entry.name);
  if (dataset === 'synthetic' || sharedDatasets.some((entry) => entry.name === dataset))
    return [dataset];
  throw new UsageError(
    `unknown dataset "${dataset}"; known: ${sharedDatasets.map((entry) => entry.name).join(', ')}, all, synthetic`,
  );
}

async function load(name: string, io: EvalIo): Promise<LoadedDataset> {
  if (name === 'synthetic') return loadSyntheticDataset(io.synthetic ?? SYNTHETIC_DEFAULTS);
  const dataset = sharedDatasets.find((entry) => entry.name === name);
  if (dataset === undefined) throw new UsageError(`unknown dataset "${name}"`);
  return loadSharedDataset(dataset, datasetsDir(REPO_ROOT, io.datasetsDir));
}
