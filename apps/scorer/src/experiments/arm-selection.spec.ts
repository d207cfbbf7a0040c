import type { Experiment } from '@recsys/experiments';
import type { ModelCache } from '../models/model-cache';
import { popularityRanker, sourceOrderRanker } from '../models/fallback-rankers';
import { DEFAULT_ARM, assignmentFor, experimentFor, rerankerOf } from './arm-selection';

const experiment = (overrides: Partial<Experiment> = {}): Experiment => ({
  id: 'home-ab',
  description: '',
  status: 'running',
  arms: [
    { name: 'popularity', share: 0.5, strategy: { kind: 'popularity' } },
    { name: 'model', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
  ],
  controlArm: 'popularity',
  placements: ['home'],
  primaryMetric: 'ctr',
  guardrails: { minImpressionsPerArm: 1, minUsersPerArm: 1, maxConversionDrop: 0, alpha: 0.05 },
  autoPromote: false,
  startedAt: '2026-11-29T10:00:00.000Z',
  ...overrides,
});

/** No model trained yet: the champion arm serves the sources' order. */
const noModels = { champion: undefined, version: async () => undefined } as unknown as ModelCache;

describe('arm selection', () => {
  it('applies only running experiments of the request placement', () => {
    expect(experimentFor([experiment()], 'home')?.id).toBe('home-ab');
    expect(experimentFor([experiment()], 'pdp')).toBeUndefined();
    expect(experimentFor([experiment({ status: 'stopped' })], 'home')).toBeUndefined();
  });

  it('gives a user the same arm every time, and each arm its strategy', async () => {
    const arms = new Map<string, string>();
    for (let user = 0; user < 200; user += 1) {
      const input = {
        experiments: [experiment()],
        placement: 'home',
        userKey: `u${user}`,
        models: noModels,
      };
      const first = await assignmentFor(input);
      const again = await assignmentFor(input);
      expect(again.arm).toBe(first.arm);
      expect(first.ranker).toBe(first.arm === 'popularity' ? popularityRanker : sourceOrderRanker);
      // The popularity arm is the same list for everyone: nothing of the shopper is read.
      expect(first.personal).toBe(first.arm !== 'popularity');
      arms.set(first.arm, `${Number(arms.get(first.arm) ?? 0) + 1}`);
    }
    // 200 users on two 50 % arms: each arm well inside 60–140.
    for (const count of arms.values()) expect(Number(count)).toBeGreaterThan(60);
  });

  it('serves the default arm without an experiment or without a user to bucket', async () => {
    const none = await assignmentFor({
      experiments: [],
      placement: 'home',
      userKey: 'u1',
      models: noModels,
    });
    expect(none).toEqual({ arm: DEFAULT_ARM, ranker: sourceOrderRanker, personal: true });
    const anonymous = await assignmentFor({
      experiments: [experiment()],
      placement: 'home',
      userKey: undefined,
      models: noModels,
    });
    expect(anonymous.arm).toBe(DEFAULT_ARM);
  });

  it("re-ranks a given list with a model or a baseline that scores, never with the sources' order", () => {
    const assignment = { arm: DEFAULT_ARM, personal: true };
    expect(rerankerOf({ ...assignment, ranker: sourceOrderRanker })).toBeUndefined();
    expect(rerankerOf({ ...assignment, ranker: popularityRanker })).toBe(popularityRanker);
  });
});
