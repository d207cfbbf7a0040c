/** What every benchmark script shares: arguments, infrastructure, percentiles, a result file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  REPO_ROOT,
  provisionInfrastructure,
  type ProvisionedInfrastructure,
} from '@recsys/testing';

export function numberOption(name: string, fallback: number): number {
  const { values } = parseArgs({ options: { [name]: { type: 'string' } }, strict: false });
  const raw = values[name];
  const value = typeof raw === 'string' ? Number(raw) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
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

/** Prints a result as a table and keeps it as JSON under docs/bench/ (the latest run of each bench). */
export function report(name: string, rows: Array<[string, string | number]>): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(
    `\n${name}\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`,
  );
  const directory = join(REPO_ROOT, 'docs', 'bench');
  mkdirSync(directory, { recursive: true });
  const result = {
    bench: name,
    measuredAt: new Date().toISOString(),
    results: Object.fromEntries(rows),
  };
  writeFileSync(join(directory, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
