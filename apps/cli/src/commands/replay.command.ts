/** `replay`: sends a JSONL file of records to the collector's HTTP API, as a storefront would. */
import { readJsonl, replayRecords, type DatasetRecord, type ReplayStats } from '@recsys/datasets';
import { loadCliConfig } from '../cli-config';
import type { Command } from '../io';
import { ProgressLine } from '../progress';
import { formatTable } from '../summary';
import { UsageError, integerOption, parseOptions, required } from '../usage';

const USAGE = `recsys replay --from <file.jsonl> --collector <url> [--speed max|<N>x] [--batch 200]
              [--write-key K] [--concurrency 4] [--restamp]

  --collector    collector base URL (default: COLLECTOR_URL)
  --write-key    sent as x-write-key (default: COLLECTOR_WRITE_KEY)
  --speed        max (as fast as the collector answers) or e.g. 10x (original timeline, 10 times faster)
  --batch        records per request, 1..500 (the collector's limit)
  --restamp      stamp each event with the time it is sent (live traffic; the pacing keeps the spacing)`;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'send a JSONL file of records to the collector (POST /v1/events, /v1/items)',
  usage: USAGE,
  async run(args, io) {
    const values = parseOptions(args, {
      from: { type: 'string' },
      collector: { type: 'string' },
      speed: { type: 'string' },
      batch: { type: 'string' },
      'write-key': { type: 'string' },
      concurrency: { type: 'string' },
      restamp: { type: 'boolean' },
    });
    const config = loadCliConfig(io.env);
    const from = required('from', values.from);
    const collectorUrl = collectorUrlOf(values.collector ?? config.collectorUrl);
    const unreadable: string[] = [];
    const progress = new ProgressLine({ stream: io.stderr, label: 'replay', unit: 'records' });
    const records = recordsOf(
      readJsonl(from, {
        onInvalidLine: (line) => unreadable.push(`line ${line.lineNumber}: ${line.message}`),
      }),
    );
    const stats = await replayRecords({
      collectorUrl,
      records,
      speed: speedOf(values.speed),
      batchSize: integerOption('batch', values.batch, { min: 1, max: 500 }),
      concurrency: integerOption('concurrency', values.concurrency, { min: 1, max: 64 }),
      writeKey: values['write-key'] ?? config.collectorWriteKey,
      restamp: values.restamp ?? false,
      onProgress: (current) => progress.update(sentOf(current), `accepted ${acceptedOf(current)}`),
    });
    progress.done(sentOf(stats), `accepted ${acceptedOf(stats)}`);
    io.stdout.write(replaySummary({ stats, unreadable, collectorUrl }));
  },
};

async function* recordsOf(
  lines: AsyncIterable<{ record: DatasetRecord }>,
): AsyncGenerator<DatasetRecord> {
  for await (const line of lines) yield line.record;
}

function collectorUrlOf(value: string | undefined): string {
  const url = required('collector', value);
  if (!/^https?:\/\/[^\s/]+/.test(url))
    throw new UsageError(`--collector must be an http(s) URL, got "${url}"`);
  return url;
}

/** "max", "10x" or "10" (times faster than the original timeline). */
export function speedOf(value: string | undefined): 'max' | number {
  if (value === undefined || value === 'max') return 'max';
  const match = /^(\d+(?:\.\d+)?)x?$/.exec(value.trim());
  const factor = match === null ? Number.NaN : Number(match[1]);
  if (!(factor > 0))
    throw new UsageError(`--speed must be "max" or a factor such as 10x, got "${value}"`);
  return factor;
}

const sentOf = (stats: ReplayStats): number => stats.events.sent + stats.items.sent;
const acceptedOf = (stats: ReplayStats): number => stats.events.accepted + stats.items.accepted;

function replaySummary(input: {
  stats: ReplayStats;
  unreadable: string[];
  collectorUrl: string;
}): string {
  const { stats, unreadable } = input;
  const lines = [
    `replayed to ${input.collectorUrl}: ${stats.requests.toLocaleString('en-US')} requests, ${stats.retries} retries`,
    `events    sent ${stats.events.sent}  accepted ${stats.events.accepted}  rejected ${stats.events.rejected}`,
    `items     sent ${stats.items.sent}  accepted ${stats.items.accepted}  rejected ${stats.items.rejected}`,
    `accepted ${acceptedOf(stats)}, rejected ${stats.events.rejected + stats.items.rejected}`,
    ...(Object.keys(stats.rejections).length === 0
      ? []
      : ['rejections by code:', formatTable(stats.rejections)]),
    `unreadable lines (not sent): ${unreadable.length}`,
    ...unreadable.slice(0, 10).map((line) => `  ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}
