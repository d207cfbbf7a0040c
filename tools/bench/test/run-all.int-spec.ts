/**
 * `npm run bench` end to end at quick size: benches as child processes on the suite's Kafka and Redis,
 * their results collected, compared with the targets and written as JSON and Markdown. Every bench at
 * quick size takes minutes on a loaded 2-core machine, so this runs two that between them use every part
 * of the runner (a service built and run as a process on Kafka and Redis; a bench without
 * infrastructure); `npm run bench -- --quick` runs all five.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, integrationEnvironment } from '@recsys/testing';
import { runReportSchema } from '../bench-run';

const run = promisify(execFile);

describe('npm run bench -- --quick', () => {
  const environment = integrationEnvironment();
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));

  it('runs the benches, compares them with the targets and writes results.json and README.md', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        'tools/bench/run-all.ts',
        '--quick',
        '--only',
        'ingest,trainer',
      ].concat(['--out', out, '--note', 'smoke run']),
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: 'tsconfig.json',
          KAFKA_BROKERS: environment.kafkaBrokers.join(','),
          REDIS_URL: environment.redisUrl,
        },
        timeout: 280_000,
        maxBuffer: 32 * 1024 * 1024,
      },
    );

    const written = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      rows: Array<{ figure: string; met: string; gitRev: string }>;
    };
    const report = runReportSchema.parse(written);
    expect(report.runs.map((entry) => entry.notes)).toEqual([['smoke run'], ['smoke run']]);
    expect(report.runs.map((entry) => [entry.bench, entry.mode, entry.error])).toEqual([
      ['ingest', 'quick', undefined],
      ['trainer', 'quick', undefined],
    ]);
    const ratio = report.runs[0]!.result!.figures.find((entry) => entry.id === 'ingest.ratio');
    expect(ratio?.value).toBeGreaterThan(0);
    const wasmGru = report.runs[1]!.result!.figures.find(
      (entry) => entry.id === 'trainer.wasm.gru.stepsPerSecond',
    );
    expect(wasmGru?.value).toBeGreaterThan(0);

    const ratioRow = written.rows.find((row) => row.figure === 'collector / bare kafkajs producer');
    expect(['yes', 'no']).toContain(ratioRow?.met);
    expect(ratioRow?.gitRev).toMatch(/^([0-9a-f]{7,}(-dirty)?|unknown)$/);

    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    // Prettier pads the generated table: compare the header's cells, not its spacing.
    expect(readme).toMatch(
      /\|\s*figure\s*\|\s*measured\s*\|\s*target\s*\|\s*met\?\s*\|\s*machine\s*\|\s*date\s*\|\s*git rev\s*\|\s*notes\s*\|/,
    );
    expect(readme).toContain('> **ingest, trainer**: smoke run');
    expect(stdout).toMatch(/collector \/ bare kafkajs producer\s+\d/);
  }, 300_000);
});
