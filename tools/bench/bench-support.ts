/** What every benchmark script shares: arguments, infrastructure, percentiles, its result. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  REPO_ROOT,
  provisionInfrastructure,
  startServiceProcess,
  waitFor,
  type ProvisionedInfrastructure,
  type ServiceProcess,
  type StartServiceOptions,
} from '@recsys/testing';
import type { BenchResult } from './bench-result';

function rawOption(name: string): string | boolean | undefined {
  const { values } = parseArgs({ options: { [name]: { type: 'string' } }, strict: false });
  return values[name];
}

export function numberOption(name: string, fallback: number): number {
  const raw = rawOption(name);
  const value = typeof raw === 'string' ? Number(raw) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** A count that may be 0 (e.g. `--background 0` turns background traffic off). */
export function countOption(name: string, fallback: number): number {
  const raw = rawOption(name);
  const value = typeof raw === 'string' ? Number(raw) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be an integer ≥ 0`);
  return value;
}

export function stringOption(name: string): string | undefined {
  const raw = rawOption(name);
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latencySummary(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export async function withInfrastructure<T>(
  run: (infrastructure: ProvisionedInfrastructure) => Promise<T>,
): Promise<T> {
  const infrastructure = await provisionInfrastructure();
  process.stderr.write(
    `kafka ${infrastructure.kafka.address} (${infrastructure.kafka.source}), redis ${infrastructure.redis.address} (${infrastructure.redis.source})\n`,
  );
  try {
    return await run(infrastructure);
  } finally {
    await infrastructure.release();
  }
}

const formatValue = (value: number | null, unit: string): string =>
  value === null ? 'not measured' : `${round(value, value >= 100 ? 0 : 2)} ${unit}`.trim();

/**
 * Prints a result as a table and, with `--json <file>`, writes it there (the runner, `npm run bench`,
 * collects these; it alone publishes docs/bench/).
 */
export function report(result: BenchResult): void {
  const rows: Array<[string, string]> = [
    ...Object.entries(result.size).map(([name, value]): [string, string] => [name, String(value)]),
    ...result.figures.map((entry): [string, string] => [
      entry.label,
      `${formatValue(entry.value, entry.unit)}${entry.detail ? ` (${entry.detail})` : ''}`,
    ]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const notes = result.notes.map((note) => `  note: ${note}`);
  process.stdout.write(
    `\n${result.bench}\n${[...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ...notes].join('\n')}\n`,
  );
  const file = stringOption('json');
  if (file === undefined) return;
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}

/**
 * Runs a bench's main; on failure prints the stack, then one last line with the message (the runner
 * quotes the last line) and exits 1.
 */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${error instanceof Error ? error.stack : message}\n`);
    process.stderr.write(`bench ${name} failed: ${message.replace(/\s+/g, ' ').slice(0, 400)}\n`);
    process.exit(1);
  });
}

const MISSING_BUILD_RETRIES = 3;

/**
 * startServiceProcess, riding out a rebuild of the shared dist/ by someone else on the same checkout
 * (Nx deletes a service's output before writing it again): waits for the build output, and retries a
 * start that failed because it vanished meanwhile.
 */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const main = join(REPO_ROOT, 'dist/apps', options.name, 'apps', options.name, 'src/main.js');
  for (let attempt = 1; ; attempt += 1) {
    await waitFor(() => (existsSync(main) ? true : undefined), {
      description: `${main} (a rebuild in progress?)`,
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    try {
      return await startServiceProcess(options);
    } catch (error) {
      if (attempt >= MISSING_BUILD_RETRIES || !String(error).includes('Cannot find module'))
        throw error;
      process.stderr.write(`${options.name}: build output vanished during start-up; retrying\n`);
    }
  }
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
