/** `generate`: a deterministic synthetic storefront (items, then events in time order) as JSONL. */
import { writeFile } from 'node:fs/promises';
import {
  generateStorefront,
  validateRecord,
  writeJsonl,
  type DatasetRecord,
  type ResolvedStorefrontOptions,
  type SyntheticStorefrontOptions,
} from '@recsys/datasets';
import type { Command } from '../io';
import { ProgressLine } from '../progress';
import { formatTable } from '../summary';
import { UsageError, integerOption, numberOption, parseOptions, required } from '../usage';

const USAGE = `recsys generate --out <file.jsonl> [--seed N] [--users N] [--items N] [--days N]
                [--categories N] [--brands N] [--start <ISO time>] [--sessions-per-day X] [--truth <file.json>]

  defaults: seed 1, 200 users, 500 items, 14 days, 24 categories, 40 brands, start 2026-01-05T00:00:00Z,
  0.5 sessions per user per day. --truth writes each shopper's latent tastes (ground truth) as JSON.`;

const LIMITS = { min: 1, max: 10_000_000 };

const OPTIONS = {
  out: { type: 'string' },
  seed: { type: 'string' },
  users: { type: 'string' },
  items: { type: 'string' },
  days: { type: 'string' },
  categories: { type: 'string' },
  brands: { type: 'string' },
  start: { type: 'string' },
  'sessions-per-day': { type: 'string' },
  truth: { type: 'string' },
} as const;

type GenerateValues = ReturnType<typeof parseOptions<typeof OPTIONS>>;

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write a synthetic storefront (deterministic for a seed) as JSONL',
  usage: USAGE,
  async run(args, io) {
    const values = parseOptions(args, OPTIONS);
    const out = required('out', values.out);
    const storefront = generateStorefront(storefrontOptionsOf(values));
    const tally: Tally = { counts: {}, failures: [] };
    const progress = new ProgressLine({ stream: io.stderr, label: 'generate', unit: 'records' });
    const written = await writeJsonl(out, checked(storefront.records(), tally), {
      onProgress: (count) => progress.update(count),
    });
    progress.done(written);
    if (values.truth !== undefined) {
      await writeFile(
        values.truth,
        `${JSON.stringify(storefront.groundTruth.tastes(), null, 2)}\n`,
      );
    }
    // With --out - the records go to standard output, so the summary goes to standard error.
    const summaryStream = out === '-' ? io.stderr : io.stdout;
    summaryStream.write(
      generateSummary({ settings: storefront.options, out, written, tally, truth: values.truth }),
    );
  },
};

function storefrontOptionsOf(values: GenerateValues): SyntheticStorefrontOptions {
  if (values.start !== undefined && Number.isNaN(Date.parse(values.start))) {
    throw new UsageError(
      `--start must be an ISO timestamp such as 2026-01-05T00:00:00Z, got "${values.start}"`,
    );
  }
  return {
    seed: integerOption('seed', values.seed, { min: 0, max: 2 ** 32 - 1 }),
    users: integerOption('users', values.users, LIMITS),
    items: integerOption('items', values.items, LIMITS),
    days: integerOption('days', values.days, { min: 1, max: 3_650 }),
    categories: integerOption('categories', values.categories, { min: 1, max: 10_000 }),
    brands: integerOption('brands', values.brands, { min: 1, max: 100_000 }),
    startTime: values.start === undefined ? undefined : new Date(values.start).toISOString(),
    sessionsPerUserPerDay: numberOption('sessions-per-day', values['sessions-per-day'], {
      min: 0.001,
      max: 100,
    }),
  };
}

interface Tally {
  counts: Record<string, number>;
  failures: string[];
}

function generateSummary(input: {
  settings: ResolvedStorefrontOptions;
  out: string;
  written: number;
  tally: Tally;
  truth: string | undefined;
}): string {
  const { settings, tally } = input;
  const lines = [
    `generated ${input.written.toLocaleString('en-US')} records to ${input.out} (seed ${settings.seed}, ${settings.users} users, ${settings.items} items, ${settings.days} days from ${settings.startTime})`,
    formatTable(tally.counts),
    `records failing their schema (not written): ${tally.failures.length}`,
    ...tally.failures.slice(0, 10).map((reason) => `  ${reason}`),
    ...(input.truth === undefined ? [] : [`ground truth: ${input.truth}`]),
  ];
  return `${lines.join('\n')}\n`;
}

/** Passes on the records that satisfy their contract, counting them by kind and noting failures. */
function* checked(records: Iterable<DatasetRecord>, tally: Tally): Generator<DatasetRecord> {
  for (const record of records) {
    const result = validateRecord({
      kind: record.kind,
      value: record.kind === 'event' ? record.event : record.item,
    });
    if (!result.ok) {
      tally.failures.push(result.reason);
      continue;
    }
    const kind = record.kind === 'item' ? 'item' : record.event.eventType;
    tally.counts[kind] = (tally.counts[kind] ?? 0) + 1;
    yield record;
  }
}
