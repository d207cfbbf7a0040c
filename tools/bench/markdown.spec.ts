import { figure, type BenchResult } from './bench-result';
import type { BenchRun, RunReport } from './bench-run';
import {
  formatMeasured,
  formatNumber,
  markdownTable,
  renderConsole,
  renderMarkdown,
  tableRowsOf,
} from './markdown';
import type { Target } from './targets';

const machine = {
  cpus: 2,
  cpuModel: 'Test CPU',
  memoryGb: 8,
  platform: 'Linux 6.1',
  node: '20.19.0',
};

function runOf(overrides: Partial<BenchRun> = {}): BenchRun {
  const result: BenchResult = {
    bench: 'scorer',
    startedAt: '2026-11-29T10:00:00.000Z',
    finishedAt: '2026-11-29T10:04:30.000Z',
    size: { rate: 500, seconds: 15 },
    figures: [
      figure('scorer.offeredRate', 'offered load', { value: 500, unit: 'req/s' }),
      figure('scorer.latency.p99', 'latency p99', {
        value: 41.27,
        unit: 'ms',
        detail: 'server-side p99 20 ms',
        note: 'open loop | HTTP',
      }),
    ],
    notes: ['model bench-1 on wasm'],
  };
  return {
    bench: 'scorer',
    mode: 'full',
    date: '2026-11-29T10:04:31.000Z',
    gitRev: 'abc1234-dirty',
    machine,
    loadAverage: { before: 0.4, after: 0.9 },
    durationSeconds: 95,
    result,
    notes: [],
    ...overrides,
  };
}

const p99Target: Target = { figure: 'scorer.latency.p99', atMost: 30, text: 'p99 ≤ 30 ms' };

describe('formatting', () => {
  it('groups large numbers and keeps two digits for small ones', () => {
    expect(formatNumber(12_226)).toBe('12,226');
    expect(formatNumber(236.4)).toBe('236');
    expect(formatNumber(14.48)).toBe('14.5');
    expect(formatNumber(0.314)).toBe('0.31');
    expect(formatNumber(0.0123)).toBe('0.012');
    expect(formatNumber(2.345)).toBe('2.35');
    expect(formatNumber(3)).toBe('3');
  });

  it('writes value, unit and detail, and says when nothing was measured', () => {
    expect(formatMeasured({ value: 0.37, unit: '×' })).toBe('0.37×');
    expect(formatMeasured({ value: 1_510, unit: 'events/s', detail: 'x' })).toBe(
      '1,510 events/s (x)',
    );
    expect(formatMeasured({ value: null, unit: 'steps/s', detail: 'not available' })).toBe(
      'not measured (not available)',
    );
  });
});

describe('tableRowsOf', () => {
  it('gives each figure its target, verdict, machine, date and revision', () => {
    const [offered, p99] = tableRowsOf([runOf()], [p99Target]);
    expect(offered).toMatchObject({ figure: 'offered load', target: '—', met: '—' });
    expect(p99).toEqual({
      bench: 'scorer',
      figure: 'latency p99',
      measured: '41.3 ms (server-side p99 20 ms)',
      target: 'p99 ≤ 30 ms',
      met: 'no',
      machine: '2 cores, load 0.4→0.9',
      date: '2026-11-29 10:04Z',
      gitRev: 'abc1234-dirty',
      notes: 'open loop | HTTP',
    });
  });

  it('marks a loaded machine and a quick run', () => {
    const [, p99] = tableRowsOf(
      [runOf({ mode: 'quick', loadAverage: { before: 3.1, after: 2 } })],
      [p99Target],
    );
    expect(p99!.machine).toBe('2 cores, load 3.1→2.0 (loaded)');
    expect(p99!.notes).toBe('quick size; open loop | HTTP');
  });

  it('gives a failed bench one row that fails its targets', () => {
    const { result: _none, ...failed } = runOf({ error: 'exited with 1; boom\nstack' });
    expect(tableRowsOf([failed], [p99Target])).toEqual([
      expect.objectContaining({
        figure: 'scorer bench',
        measured: 'failed',
        met: 'no',
        notes: 'exited with 1; boom',
      }),
    ]);
  });
});

describe('renderMarkdown', () => {
  const report = (runs: BenchRun[]): RunReport => ({
    schemaVersion: 1,
    generatedAt: '2026-11-29T10:05:00.000Z',
    runs,
  });

  it('renders the table with every column, pipes escaped', () => {
    const table = markdownTable(tableRowsOf([runOf()], [p99Target]));
    const lines = table.split('\n');
    expect(lines[0]).toBe(
      '| figure | measured | target | met? | machine | date | git rev | notes |',
    );
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- | --- | --- |');
    expect(lines[3]).toContain('| p99 ≤ 30 ms | no |');
    expect(lines[3]).toContain('open loop \\| HTTP');
    expect(lines).toHaveLength(4);
  });

  it('adds the machine, sizes, the bench’s notes and the operator’s notes of each run', () => {
    const text = renderMarkdown(report([runOf({ notes: ['shared machine'] })]), [p99Target]);
    expect(text).toContain('- 2 × Test CPU, 8 GB, Linux 6.1, Node 20.19.0');
    expect(text).toContain('- **scorer** (full, 95 s): rate 500, seconds 15');
    expect(text).toContain('  - model bench-1 on wasm');
    expect(text).toContain("  - operator's note: shared machine");
    expect(text).toContain('> **scorer**: shared machine');
    expect(text).not.toContain('Loaded machine');
  });

  it('warns when a bench started on a loaded machine, by the load before it', () => {
    const loaded = runOf({ loadAverage: { before: 5.5, after: 11.3 } });
    expect(renderMarkdown(report([loaded]), [p99Target])).toContain(
      '> **Loaded machine.** scorer started while the machine was busy (load average up to 5.5 on 2 cores)',
    );
    const ownLoad = runOf({ loadAverage: { before: 0.4, after: 2.1 } });
    expect(renderMarkdown(report([ownLoad]), [p99Target])).not.toContain('Loaded machine');
  });
});

describe('renderConsole', () => {
  it('aligns figure, measured, target and met', () => {
    const lines = renderConsole(tableRowsOf([runOf()], [p99Target])).split('\n');
    expect(lines[0]).toMatch(/^figure\s+measured\s+target\s+met$/);
    expect(lines[2]).toMatch(
      /^latency p99\s+41\.3 ms \(server-side p99 20 ms\)\s+p99 ≤ 30 ms\s+no$/,
    );
  });
});
