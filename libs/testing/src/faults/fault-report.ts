/**
 * Where fault tests publish what they measured: one line on stdout (readable in the Jest output) and a
 * JSON file per test under test-artifacts/faults/ (ignored by git; CI can keep it as an artifact).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../infrastructure/local-processes';

export const FAULT_REPORT_DIR = join(REPO_ROOT, 'test-artifacts', 'faults');

export function reportFaultFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(FAULT_REPORT_DIR, { recursive: true });
  const report = { test: name, measuredAt: new Date().toISOString(), ...figures };
  writeFileSync(join(FAULT_REPORT_DIR, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`[fault figures] ${name}: ${JSON.stringify(figures)}\n`);
}
