/** `experiments`: A/B experiments through the scorer — list, define, report, conclude. */
import { readFileSync } from 'node:fs';
import { callService } from '../admin-client';
import { loadCliConfig } from '../cli-config';
import type { Command } from '../io';
import { formatColumns } from '../summary';
import { UsageError, parseOptions, required } from '../usage';

const USAGE = `recsys experiments list|put|report|conclude [--id ID] [--file experiment.json]
                   [--scorer <url>] [--token T]

  list       experiments and their status
  put        create or replace the experiment in --file (JSON, see libs/experiments/README.md)
  report     per-arm impressions, CTR, conversion, uplift with a 95% interval, p-value, decision
  conclude   apply the report's decision: promote the winning arm when the guardrails allow
  --scorer   scorer base URL (default: SCORER_URL)
  --token    admin bearer token (default: ADMIN_TOKEN; needed by put and conclude)`;

interface ArmLine {
  arm: string;
  counters: { impressions: number; clicks: number; exposedUsers: number; convertedUsers: number };
  ctr: { rate: number; lower: number; upper: number };
  conversion: { rate: number; lower: number; upper: number };
}

interface ComparisonLine {
  arm: string;
  ctr: { absolute: { estimate: number; lower: number; upper: number }; pValue: number };
  conversion: { absolute: { estimate: number; lower: number; upper: number }; pValue: number };
}

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
const rate = (estimate: ArmLine['ctr']) =>
  `${percent(estimate.rate)} [${percent(estimate.lower)}, ${percent(estimate.upper)}]`;
const uplift = (comparison: ComparisonLine['ctr']) =>
  `${percent(comparison.absolute.estimate)} [${percent(comparison.absolute.lower)}, ` +
  `${percent(comparison.absolute.upper)}] p=${comparison.pValue.toPrecision(3)}`;

function reportTable(report: { arms: ArmLine[]; comparisons: ComparisonLine[] }): string {
  const arms = formatColumns(
    ['arm', 'impressions', 'clicks', 'CTR [95%]', 'users', 'converted', 'conversion [95%]'],
    report.arms.map((arm) => [
      arm.arm,
      String(arm.counters.impressions),
      String(arm.counters.clicks),
      rate(arm.ctr),
      String(arm.counters.exposedUsers),
      String(arm.counters.convertedUsers),
      rate(arm.conversion),
    ]),
  );
  const comparisons = formatColumns(
    ['arm vs control', 'CTR uplift', 'conversion uplift'],
    report.comparisons.map((line) => [line.arm, uplift(line.ctr), uplift(line.conversion)]),
  );
  return `${arms}\n\n${comparisons}`;
}

export const experimentsCommand: Command = {
  name: 'experiments',
  summary: 'define A/B experiments and read their reports (scorer HTTP API)',
  usage: USAGE,
  async run(args, io) {
    const [action, ...rest] = args;
    const values = parseOptions(rest, {
      id: { type: 'string' },
      file: { type: 'string' },
      scorer: { type: 'string' },
      token: { type: 'string' },
    });
    const config = loadCliConfig(io.env);
    const baseUrl = required('scorer', values.scorer ?? config.scorerUrl);
    const token = values.token ?? config.adminToken;
    const call = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) =>
      callService({
        baseUrl,
        method,
        path,
        ...(token === undefined ? {} : { token }),
        ...(body === undefined ? {} : { body }),
      });
    const id = () => encodeURIComponent(required('id', values.id));
    switch (action) {
      case 'list':
        io.stdout.write(`${JSON.stringify(await call('GET', '/v1/experiments'), null, 2)}\n`);
        return;
      case 'put': {
        const definition = JSON.parse(readFileSync(required('file', values.file), 'utf8')) as {
          id?: string;
        };
        const path = `/v1/experiments/${encodeURIComponent(definition.id ?? '')}`;
        io.stdout.write(`${JSON.stringify(await call('PUT', path, definition), null, 2)}\n`);
        return;
      }
      case 'report': {
        const report = (await call('GET', `/v1/experiments/${id()}/report`)) as {
          report: { arms: ArmLine[]; comparisons: ComparisonLine[] };
        };
        io.stdout.write(`${reportTable(report.report)}\n\n${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      case 'conclude':
        io.stdout.write(
          `${JSON.stringify(await call('POST', `/v1/experiments/${id()}/conclude`), null, 2)}\n`,
        );
        return;
      case undefined:
      default:
        throw new UsageError('expected list, put, report or conclude');
    }
  },
};
