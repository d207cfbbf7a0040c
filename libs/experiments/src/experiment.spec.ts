import { ZodError } from 'zod';
import { appliesToPlacement, canTransition, experimentSchema, parseExperiment } from './experiment';

const valid = {
  id: 'home-ranker-2026-11',
  description: 'GRU ranker vs champion on the home page',
  status: 'running',
  salt: 'v1',
  arms: [
    { name: 'control', share: 0.7, strategy: { kind: 'model', modelVersion: 'champion' } },
    { name: 'gru', share: 0.2, strategy: { kind: 'model', modelVersion: 'gru-2026-11-28.1' } },
    { name: 'popular', share: 0.1, strategy: { kind: 'popularity' } },
  ],
  controlArm: 'control',
  placements: ['home'],
  primaryMetric: 'ctr',
  guardrails: {
    minImpressionsPerArm: 10_000,
    minUsersPerArm: 1_000,
    maxConversionDrop: 0,
    alpha: 0.05,
  },
  autoPromote: true,
  startedAt: '2026-11-28T10:00:00.000Z',
};

function issuesOf(value: unknown): string[] {
  const result = experimentSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('experimentSchema', () => {
  it('accepts a complete definition (shares 0.7 + 0.2 + 0.1 pass despite floating point)', () => {
    expect(0.7 + 0.2 + 0.1).not.toBe(1);
    expect(parseExperiment(valid)).toEqual(valid);
  });

  it('round-trips through JSON unchanged', () => {
    expect(parseExperiment(JSON.parse(JSON.stringify(parseExperiment(valid))))).toEqual(valid);
  });

  it('refuses shares that do not sum to 1', () => {
    const arms = valid.arms.map((arm, index) => (index === 0 ? { ...arm, share: 0.8 } : arm));
    expect(issuesOf({ ...valid, arms })).toEqual([expect.stringContaining('sum to')]);
  });

  it('accepts a sum within 1e-9 of 1 and refuses one beyond', () => {
    const shifted = (delta: number) =>
      valid.arms.map((arm, index) => (index === 2 ? { ...arm, share: arm.share + delta } : arm));
    expect(issuesOf({ ...valid, arms: shifted(5e-10) })).toEqual([]);
    expect(issuesOf({ ...valid, arms: shifted(5e-9) })).toHaveLength(1);
  });

  it('refuses duplicate arm names, an unknown control arm and an unknown strategy', () => {
    const duplicate = {
      ...valid,
      arms: [valid.arms[0], { ...valid.arms[1], name: 'control' }, valid.arms[2]],
    };
    expect(issuesOf(duplicate)).toContain('arm names must be unique');
    expect(issuesOf({ ...valid, controlArm: 'nope' })).toContain('controlArm must name an arm');
    const unknownKind = {
      ...valid,
      arms: [{ ...valid.arms[0], strategy: { kind: 'magic' } }, ...valid.arms.slice(1)],
    };
    expect(issuesOf(unknownKind).length).toBeGreaterThan(0);
  });

  it('validates ids, arm names and model versions as strings safe for keys and headers', () => {
    expect(issuesOf({ ...valid, id: 'has space' }).length).toBeGreaterThan(0);
    expect(issuesOf({ ...valid, id: 'a|b' }).length).toBeGreaterThan(0);
    const badArm = { ...valid, arms: [{ ...valid.arms[0], name: 'a|b' }, ...valid.arms.slice(1)] };
    expect(issuesOf(badArm).length).toBeGreaterThan(0);
    const badModel = {
      ...valid,
      arms: [
        { ...valid.arms[0], strategy: { kind: 'model', modelVersion: '' } },
        ...valid.arms.slice(1),
      ],
    };
    expect(issuesOf(badModel).length).toBeGreaterThan(0);
  });

  it('needs startedAt once the experiment has run, and rejects unknown fields', () => {
    const { startedAt: _omitted, ...withoutStart } = valid;
    expect(issuesOf(withoutStart)).toContain('a running experiment needs startedAt');
    expect(issuesOf({ ...withoutStart, status: 'draft' })).toEqual([]);
    expect(() => parseExperiment({ ...valid, owner: 'me' })).toThrow(ZodError);
  });

  it('refuses guardrails outside their ranges', () => {
    expect(issuesOf({ ...valid, guardrails: { ...valid.guardrails, alpha: 0 } }).length).toBe(1);
    expect(
      issuesOf({ ...valid, guardrails: { ...valid.guardrails, maxConversionDrop: -0.1 } }).length,
    ).toBe(1);
  });
});

describe('status transitions', () => {
  it('allows draft → running ⇄ stopped → concluded and nothing out of concluded', () => {
    expect(canTransition('draft', 'running')).toBe(true);
    expect(canTransition('running', 'stopped')).toBe(true);
    expect(canTransition('stopped', 'running')).toBe(true);
    expect(canTransition('running', 'concluded')).toBe(true);
    expect(canTransition('draft', 'concluded')).toBe(false);
    expect(canTransition('concluded', 'running')).toBe(false);
  });
});

describe('appliesToPlacement', () => {
  it('applies everywhere without a filter and only to listed placements with one', () => {
    const experiment = parseExperiment(valid);
    expect(appliesToPlacement(experiment, 'home')).toBe(true);
    expect(appliesToPlacement(experiment, 'pdp')).toBe(false);
    expect(appliesToPlacement(experiment, undefined)).toBe(false);
    expect(appliesToPlacement({ ...experiment, placements: undefined }, 'pdp')).toBe(true);
  });
});
