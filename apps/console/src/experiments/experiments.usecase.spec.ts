import { experimentV1Schema } from '@recsys/contracts';
import { buildReport, decidePromotion, type Experiment } from '@recsys/experiments';
import { experimentViewOf } from './experiments.usecase';

const experiment: Experiment = {
  id: 'pdp-ab',
  description: 'three arms',
  status: 'running',
  arms: [
    { name: 'control', share: 0.4, strategy: { kind: 'popularity' } },
    { name: 'model', share: 0.3, strategy: { kind: 'model', modelVersion: 'ranker-v7' } },
    { name: 'covis', share: 0.3, strategy: { kind: 'co_visitation' } },
  ],
  controlArm: 'control',
  primaryMetric: 'ctr',
  guardrails: {
    minImpressionsPerArm: 100,
    minUsersPerArm: 50,
    maxConversionDrop: 0.1,
    alpha: 0.05,
  },
  autoPromote: false,
};

describe('experimentViewOf', () => {
  it('shows each arm with its strategy, intervals and comparison with control, and the decision', () => {
    const report = buildReport(experiment, {
      control: {
        impressions: 1_000,
        clicks: 0,
        exposedUsers: 400,
        convertedUsers: 20,
        revenue: 400,
      },
      model: { impressions: 900, clicks: 90, exposedUsers: 300, convertedUsers: 18, revenue: 360 },
    });
    const view = experimentV1Schema.parse(
      experimentViewOf(experiment, report, decidePromotion(report, experiment.guardrails)),
    );
    expect(view.arms.map((arm) => [arm.arm, arm.strategy, arm.impressions])).toEqual([
      ['control', 'popularity', 1_000],
      ['model', 'model ranker-v7', 900],
      ['covis', 'co-visitation', 0],
    ]);
    expect(view.arms[0]!.versusControl).toBeNull();
    // Control's CTR is 0: no relative uplift, but an absolute difference and a test.
    expect(view.arms[1]!.versusControl!.ctr).toMatchObject({ relative: null, significant: true });
    expect(view.arms[1]!.ctr.rate).toBeCloseTo(0.1);
    expect(view.decision).toEqual({ action: 'keep', reason: expect.stringContaining('covis') });
    expect(view.placements).toBeNull();
    expect(view.caveats.length).toBeGreaterThan(0);
  });
});
