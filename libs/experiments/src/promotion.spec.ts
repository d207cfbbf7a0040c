import { type Experiment, type Guardrails, parseExperiment } from './experiment';
import { decidePromotion } from './promotion';
import { type ArmCounters, buildReport } from './report';

const guardrails: Guardrails = {
  minImpressionsPerArm: 5_000,
  minUsersPerArm: 1_000,
  maxConversionDrop: 0.1,
  alpha: 0.05,
};

function experimentWithArms(names: string[], overrides: Partial<Experiment> = {}): Experiment {
  return parseExperiment({
    id: 'exp-promotion',
    description: 'promotion test',
    status: 'running',
    arms: names.map((name) => ({
      name,
      share: 1 / names.length,
      strategy: { kind: 'popularity' },
    })),
    controlArm: names[0],
    primaryMetric: 'ctr',
    guardrails,
    autoPromote: true,
    startedAt: '2026-11-28T00:00:00.000Z',
    ...overrides,
  });
}

/** 10 000 impressions and 4 000 users per arm; CTR 10 % and conversion 10 % unless overridden. */
const arm = (overrides: Partial<ArmCounters> = {}): ArmCounters => ({
  impressions: 10_000,
  clicks: 1_000,
  exposedUsers: 4_000,
  convertedUsers: 400,
  revenue: 20_000,
  ...overrides,
});

function decide(
  experiment: Experiment,
  counters: Record<string, ArmCounters>,
  rails: Guardrails = experiment.guardrails,
) {
  return decidePromotion(buildReport(experiment, counters), rails);
}

describe('decidePromotion', () => {
  it('promotes an arm that beats control significantly and keeps conversion within the margin', () => {
    // CTR 10 % → 11 %: p = 0.021. Conversion 10 % → 10.5 %: relative +5 %, one-sided 95 % lower
    // bound −6.43 % ≥ −10 %.
    const decision = decide(experimentWithArms(['control', 'b']), {
      control: arm(),
      b: arm({ clicks: 1_100, convertedUsers: 420 }),
    });
    expect(decision).toEqual({
      action: 'promote',
      arm: 'b',
      reason: expect.stringContaining('b: ctr 10.00%'),
    });
    expect(decision.reason).toContain('conversion lower bound -6.43%');
  });

  it('judges the conversion guardrail by its one-sided lower bound, not the point estimate', () => {
    // Same data, margin 5 %: the point estimate is +5 % but the lower bound (−6.43 %) is below −5 %.
    const decision = decide(
      experimentWithArms(['control', 'b']),
      { control: arm(), b: arm({ clicks: 1_100, convertedUsers: 420 }) },
      { ...guardrails, maxConversionDrop: 0.05 },
    );
    expect(decision.action).toBe('keep');
    expect(decision.reason).toContain('but conversion lower bound -6.43%');
  });

  it('keeps the control when a CTR win costs conversion', () => {
    const decision = decide(experimentWithArms(['control', 'b']), {
      control: arm(),
      b: arm({ clicks: 1_300, convertedUsers: 330 }),
    });
    expect(decision.action).toBe('keep');
  });

  it('keeps everything while any arm is below the minimum sample, however large the effect', () => {
    const decision = decide(experimentWithArms(['control', 'b']), {
      control: arm({ exposedUsers: 900, convertedUsers: 90 }),
      b: arm({ clicks: 2_000, exposedUsers: 900, convertedUsers: 150 }),
    });
    expect(decision).toEqual({
      action: 'keep',
      reason: 'insufficient sample in arm(s) control, b',
    });
  });

  it('keeps when the difference is not significant', () => {
    const decision = decide(experimentWithArms(['control', 'b']), {
      control: arm(),
      b: arm({ clicks: 1_030 }),
    });
    expect(decision.action).toBe('keep');
    expect(decision.reason).toContain('not significantly better');
  });

  it('keeps when the arm is significantly worse', () => {
    const decision = decide(experimentWithArms(['control', 'b']), {
      control: arm(),
      b: arm({ clicks: 800 }),
    });
    expect(decision.action).toBe('keep');
  });

  it('corrects for several arms (Bonferroni): p = 0.030 wins alone, not as one of two variants', () => {
    const candidate = arm({ clicks: 1_094, convertedUsers: 440 });
    const alone = decide(experimentWithArms(['control', 'b']), { control: arm(), b: candidate });
    expect(alone.action).toBe('promote');
    const withAnother = decide(experimentWithArms(['control', 'b', 'c']), {
      control: arm(),
      b: candidate,
      c: arm(),
    });
    expect(withAnother.action).toBe('keep');
    expect(withAnother.reason).toContain('alpha 0.0250');
  });

  it('picks the variant with the largest uplift among those that pass', () => {
    const decision = decide(experimentWithArms(['control', 'b', 'c']), {
      control: arm(),
      b: arm({ clicks: 1_150, convertedUsers: 440 }),
      c: arm({ clicks: 1_250, convertedUsers: 440 }),
    });
    expect(decision).toMatchObject({ action: 'promote', arm: 'c' });
  });

  it('uses conversion when it is the primary metric', () => {
    const experiment = experimentWithArms(['control', 'b'], { primaryMetric: 'conversion' });
    const decision = decide(experiment, { control: arm(), b: arm({ convertedUsers: 480 }) });
    expect(decision).toMatchObject({ action: 'promote', arm: 'b' });
    expect(decide(experiment, { control: arm(), b: arm({ clicks: 1_500 }) }).action).toBe('keep');
  });

  it('refuses to decide on a sample ratio mismatch', () => {
    const decision = decide(experimentWithArms(['control', 'b']), {
      control: arm(),
      b: arm({ clicks: 1_300, exposedUsers: 4_600, convertedUsers: 520 }),
    });
    expect(decision).toMatchObject({
      action: 'keep',
      reason: expect.stringContaining('sample ratio mismatch'),
    });
  });

  it('cannot clear the conversion guardrail while control has no conversions', () => {
    const decision = decide(experimentWithArms(['control', 'b']), {
      control: arm({ convertedUsers: 0 }),
      b: arm({ clicks: 1_200, convertedUsers: 0 }),
    });
    expect(decision).toMatchObject({ action: 'keep', reason: 'b: control has no conversions yet' });
  });
});
