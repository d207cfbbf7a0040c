/**
 * What every benchmark hands the runner: named figures with units, the sizes it ran at and notes. A bench
 * writes one as JSON with `--json <file>` (tools/bench/*.bench.ts, libs/model/bench); the runner reads it
 * back through `benchResultSchema`. Pure: no I/O, no infrastructure (the runner's unit tests load it).
 */
import { z } from 'zod';

export const benchNames = ['ingest', 'preprocessor', 'scorer', 'trainer', 'e2e'] as const;
export type BenchName = (typeof benchNames)[number];

export const figureSchema = z.object({
  /** Stable id the targets refer to, e.g. `scorer.latency.p99`. */
  id: z.string().min(1),
  /** What a reader of the table sees, e.g. `scorer latency p99 (open loop)`. */
  label: z.string().min(1),
  /** null when the figure could not be measured (a backend that does not load, no samples). */
  value: z.number().nullable(),
  unit: z.string(),
  /** Shown beside the value (e.g. the same rate in another unit). */
  detail: z.string().optional(),
  /** Shown in the notes column (how it was measured, what it includes). */
  note: z.string().optional(),
});
export type Figure = z.infer<typeof figureSchema>;

export const benchResultSchema = z.object({
  bench: z.enum(benchNames),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** The sizes and settings the bench ran with (events, rates, durations…). */
  size: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  figures: z.array(figureSchema),
  notes: z.array(z.string()),
});
export type BenchResult = z.infer<typeof benchResultSchema>;

/** A figure; `value` NaN or infinite becomes null (JSON cannot carry it and it means "not measured"). */
export function figure(
  id: string,
  label: string,
  measured: { value: number | null | undefined; unit: string; detail?: string; note?: string },
): Figure {
  const { value, unit, detail, note } = measured;
  return {
    id,
    label,
    value: value === null || value === undefined || !Number.isFinite(value) ? null : value,
    unit,
    ...(detail === undefined ? {} : { detail }),
    ...(note === undefined ? {} : { note }),
  };
}
