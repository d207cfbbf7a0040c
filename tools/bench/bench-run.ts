/**
 * One bench as the runner ran it (where, when, at which git revision, how loaded the machine was, its
 * result or why it failed) and the file that keeps the latest run of every bench (docs/bench/results.json).
 * Pure: the runner does the I/O.
 */
import { z } from 'zod';
import { benchNames, benchResultSchema } from './bench-result';

export const runModes = ['quick', 'full'] as const;
export type RunMode = (typeof runModes)[number];

const machineSchema = z.object({
  cpus: z.number(),
  cpuModel: z.string(),
  memoryGb: z.number(),
  platform: z.string(),
  node: z.string(),
});
export type Machine = z.infer<typeof machineSchema>;

export const benchRunSchema = z.object({
  bench: z.enum(benchNames),
  mode: z.enum(runModes),
  /** When the bench finished (ISO). */
  date: z.string(),
  gitRev: z.string(),
  machine: machineSchema,
  /** One-minute load average of the machine before and after the bench. */
  loadAverage: z.object({ before: z.number(), after: z.number() }),
  durationSeconds: z.number(),
  result: benchResultSchema.optional(),
  /** Why the bench produced no result (exit code, timeout, the end of its output). */
  error: z.string().optional(),
  /**
   * The operator's notes on this run (`--note`, e.g. "machine shared with six engineers"): they belong
   * to the run, so re-running a bench drops the notes of its earlier run.
   */
  notes: z.array(z.string()).default([]),
});
export type BenchRun = z.infer<typeof benchRunSchema>;

export const runReportSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: z.string(),
  runs: z.array(benchRunSchema),
});
export type RunReport = z.infer<typeof runReportSchema>;

/**
 * Busier than three quarters of its cores when the bench started: its figures are lower than on a quiet
 * machine. Judged by the load before only: the load after includes the bench's own work (the scorer
 * bench alone saturates both cores), so it cannot tell other work apart.
 */
export function isLoaded(run: Pick<BenchRun, 'machine' | 'loadAverage'>): boolean {
  return run.loadAverage.before > 0.75 * run.machine.cpus;
}

/** The latest run of every bench: this run's, else the previous report's; in bench order. */
export function mergeRuns(previous: readonly BenchRun[], current: readonly BenchRun[]): BenchRun[] {
  const latest = new Map(previous.map((run) => [run.bench, run]));
  for (const run of current) latest.set(run.bench, run);
  return benchNames.flatMap((name) => latest.get(name) ?? []);
}

/** A previous report, or undefined when the text is not one (first run, older layout). */
export function parseRunReport(text: string | undefined): RunReport | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = runReportSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
