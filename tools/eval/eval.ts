/**
 * `npm run eval -- --dataset <name|all|synthetic>`: offline evaluation of the sequence model against the
 * baselines on the shared datasets (see docs/eval/README.md for the protocol). Prints progress and a
 * side-by-side table per dataset; writes docs/eval/<dataset>.json and docs/eval/README.md.
 */
import { format, resolveConfig } from 'prettier';
import { USAGE, UsageError, parseEvalOptions } from './options';
import { runEval } from './run-eval';
import { DatasetsMissingError } from './shared-datasets';

/** Generated files follow the repository's Prettier settings, so format:check stays clean. */
async function prettierFormat(text: string, path: string): Promise<string> {
  const options = (await resolveConfig(path)) ?? {};
  return format(text, { ...options, filepath: path });
}

async function main(): Promise<void> {
  const startedMs = performance.now();
  const options = parseEvalOptions(process.argv.slice(2));
  await runEval(options, {
    log: (line) => process.stderr.write(`${line}\n`),
    out: (text) => process.stdout.write(text),
    datasetsDir: process.env['RECSYS_DATASETS_DIR'],
    format: prettierFormat,
  });
  process.stderr.write(`done in ${((performance.now() - startedMs) / 1000).toFixed(0)} s\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    else if (error instanceof DatasetsMissingError)
      process.stderr.write(`eval: ${error.message}\n`);
    else
      process.stderr.write(
        `eval failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exitCode = 1;
  });
}
