import { benchNames } from './bench-result';
import { isLoaded, mergeRuns, parseRunReport, type BenchRun } from './bench-run';
import { BENCHES, childArgs, parseRunnerArgs } from './run-plan';

describe('parseRunnerArgs', () => {
  it('runs every bench at full size into docs/bench by default', () => {
    const options = parseRunnerArgs([]);
    expect(options.mode).toBe('full');
    expect(options.outDir).toBe('docs/bench');
    expect(options.benches.map((bench) => bench.name)).toEqual([...benchNames]);
  });

  it('writes a quick run elsewhere, so a smoke run never replaces the published figures', () => {
    expect(parseRunnerArgs(['--quick']).outDir).toBe('tmp/bench-quick');
    expect(parseRunnerArgs(['--quick', '--out', '/tmp/x']).outDir).toBe('/tmp/x');
  });

  it('selects with --only and --skip, in the runner’s order', () => {
    const names = (argv: string[]) => parseRunnerArgs(argv).benches.map((bench) => bench.name);
    expect(names(['--only', 'e2e,ingest'])).toEqual(['ingest', 'e2e']);
    expect(names(['--skip', 'trainer'])).toEqual(['ingest', 'preprocessor', 'scorer', 'e2e']);
  });

  it('refuses unknown benches and options', () => {
    expect(() => parseRunnerArgs(['--only', 'scorr'])).toThrow(/unknown bench scorr/);
    expect(() => parseRunnerArgs(['--only', 'e2e', '--skip', 'e2e'])).toThrow(/no bench left/);
    expect(() => parseRunnerArgs(['--fast'])).toThrow();
  });

  it('collects repeated notes', () => {
    expect(parseRunnerArgs(['--note', 'a', '--note', 'b']).notes).toEqual(['a', 'b']);
  });
});

describe('the plan', () => {
  it('has one bench per name, each with both sizes and a json result', () => {
    expect(BENCHES.map((bench) => bench.name)).toEqual([...benchNames]);
    for (const bench of BENCHES) {
      expect(childArgs(bench, 'quick', '/tmp/r.json').slice(-2)).toEqual(['--json', '/tmp/r.json']);
      expect(bench.args.quick).not.toEqual(bench.args.full);
      expect(bench.timeoutMs.quick).toBeLessThanOrEqual(bench.timeoutMs.full);
    }
  });

  it('measures end-to-end freshness over at least 50 samples at full size', () => {
    const e2e = BENCHES.find((bench) => bench.name === 'e2e')!;
    const samples = Number(e2e.args.full[e2e.args.full.indexOf('--samples') + 1]);
    expect(samples).toBeGreaterThanOrEqual(50);
  });
});

function run(bench: BenchRun['bench'], date: string): BenchRun {
  return {
    bench,
    mode: 'full',
    date,
    gitRev: 'abc',
    machine: { cpus: 2, cpuModel: 'x', memoryGb: 8, platform: 'Linux', node: '20' },
    loadAverage: { before: 1, after: 1.5 },
    durationSeconds: 10,
    error: 'x',
    notes: [],
  };
}

describe('mergeRuns', () => {
  it('keeps the latest run of each bench, in bench order', () => {
    const merged = mergeRuns(
      [run('scorer', 'old'), run('ingest', 'old')],
      [run('e2e', 'new'), run('scorer', 'new')],
    );
    expect(merged.map((entry) => [entry.bench, entry.date])).toEqual([
      ['ingest', 'old'],
      ['scorer', 'new'],
      ['e2e', 'new'],
    ]);
  });
});

describe('parseRunReport', () => {
  it('reads a report back and ignores what is not one', () => {
    const report = { schemaVersion: 1, generatedAt: 'now', runs: [run('e2e', 'd')] };
    expect(parseRunReport(JSON.stringify({ ...report, rows: [] }))).toEqual(report);
    expect(parseRunReport('{"bench":"old layout"}')).toBeUndefined();
    expect(parseRunReport('not json')).toBeUndefined();
    expect(parseRunReport(undefined)).toBeUndefined();
  });
});

describe('isLoaded', () => {
  it('says loaded above three quarters of the cores before the bench (after is its own load)', () => {
    const machine = { cpus: 2, cpuModel: 'x', memoryGb: 8, platform: 'Linux', node: '20' };
    expect(isLoaded({ machine, loadAverage: { before: 1.5, after: 1.2 } })).toBe(false);
    expect(isLoaded({ machine, loadAverage: { before: 0.2, after: 1.9 } })).toBe(false);
    expect(isLoaded({ machine, loadAverage: { before: 1.6, after: 0.3 } })).toBe(true);
  });
  it('reads runs of the older layout (no notes) with none', () => {
    const { notes: _notes, ...older } = run('e2e', 'd');
    const text = JSON.stringify({
      schemaVersion: 1,
      generatedAt: 'now',
      notes: ['x'],
      runs: [older],
    });
    expect(parseRunReport(text)?.runs[0]?.notes).toEqual([]);
  });
});
