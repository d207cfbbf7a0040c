import { type Experiment, type Guardrails, parseExperiment } from './experiment';
import { type ArmCounters, buildReport } from './report';

const guardrails: Guardrails = {
  minImpressionsPerArm: 5_000,
  minUsersPerArm: 1_000,
  maxConversionDrop: 0.1,
  alpha: 0.05,
};

function twoArmExperiment(overrides: Partial<Experiment> = {}): Experiment {
  return parseExperiment({
    id: 'exp-report',
    description: 'report test',
    status: 'running',
    arms: [
      { name: 'control', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
      { name: 'treatment', share: 0.5, strategy: { kind: 'model', modelVersion: 'v2' } },
    ],
    controlArm: 'control',
    primaryMetric: 'ctr',
    guardrails,
    autoPromote: true,
    startedAt: '2026-11-28T00:00:00.000Z',
    ...overrides,
  });
}

const counters = (overrides: Partial<ArmCounters>): ArmCounters => ({
  impressions: 10_000,
  clicks: 1_000,
  exposedUsers: 2_000,
  convertedUsers: 100,
  revenue: 5_000,
  ...overrides,
});

describe('buildReport', () => {
  it('reports each arm with Wilson 95 % intervals and revenue per user', () => {
    const report = buildReport(twoArmExperiment(), {
      control: counters({}),
      treatment: counters({ clicks: 1_100, convertedUsers: 120, revenue: 6_600 }),
    });
    const [control, treatment] = report.arms;
    expect(control!.ctr.rate).toBeCloseTo(0.1, 12);
    expect(control!.ctr.lower).toBeLessThan(0.1);
    expect(control!.ctr.upper).toBeGreaterThan(0.1);
    expect(treatment!.conversion.rate).toBeCloseTo(0.06, 12);
    expect(treatment!.revenuePerUser).toBeCloseTo(3.3, 12);
    expect(report.sampleSufficient).toBe(true);
    expect(report.sequentialCaveat).toBe(false);
    expect(report.caveats).toEqual([]);
  });

  it('compares the treatment with control: z-test p-value and absolute/relative uplift (hand-computed)', () => {
    // CTR 0.10 vs 0.11 on 10 000 impressions each: pooled p = 0.105,
    // se = √(0.105 · 0.895 · 2/10 000) = 0.0043353, z = 2.30663, p = 0.021075.
    const report = buildReport(twoArmExperiment(), {
      control: counters({}),
      treatment: counters({ clicks: 1_100 }),
    });
    const [comparison] = report.comparisons;
    expect(comparison!.arm).toBe('treatment');
    expect(comparison!.ctr.zScore).toBeCloseTo(2.3066347738170103, 10);
    expect(comparison!.ctr.pValue).toBeCloseTo(0.02107518927379784, 12);
    expect(comparison!.ctr.significant).toBe(true);
    expect(comparison!.ctr.absolute.estimate).toBeCloseTo(0.01, 12);
    expect(comparison!.ctr.relative!.estimate).toBeCloseTo(0.1, 12);
    expect(comparison!.ctr.absolute.lower).toBeGreaterThan(0);
    expect(comparison!.conversion.significant).toBe(false);
  });

  it('sets the sequential-testing caveat while any arm is below the guardrail sample', () => {
    const report = buildReport(twoArmExperiment(), {
      control: counters({ impressions: 4_000, clicks: 400 }),
      treatment: counters({}),
    });
    expect(report.sampleSufficient).toBe(false);
    expect(report.sequentialCaveat).toBe(true);
    expect(report.caveats).toEqual([
      expect.stringContaining('arm control has 4000/5000 impressions'),
    ]);
  });

  it('counts arms without counters as empty', () => {
    const report = buildReport(twoArmExperiment(), { control: counters({}) });
    expect(report.arms[1]!.counters.impressions).toBe(0);
    expect(report.arms[1]!.ctr).toEqual({ rate: 0, lower: 0, upper: 1 });
    expect(report.comparisons[0]!.ctr.pValue).toBe(1);
  });

  it('flags a sample ratio mismatch when exposed users do not follow the shares', () => {
    const report = buildReport(twoArmExperiment(), {
      control: counters({ exposedUsers: 2_000 }),
      treatment: counters({ exposedUsers: 2_300 }),
    });
    expect(report.sampleRatioPValue).toBeLessThan(0.001);
    expect(report.caveats).toEqual([expect.stringContaining('sample ratio mismatch')]);
  });
});
