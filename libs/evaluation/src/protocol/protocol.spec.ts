import type { Ranker, RankingInput } from '@recsys/recommendation';
import { PopularityModel } from '../baselines/popularity';
import { CoVisitationModel } from '../baselines/co-visitation';
import { buildEvaluationCases } from '../cases';
import { OfflineFeatures } from '../features/offline-features';
import { sortByTime, type Interaction } from '../interactions';
import { aStream } from '../test-interactions';
import { CandidateGenerator } from './candidates';
import { heldOutPairs, labelledExamplesFrom } from './labelled-pairs';
import { labelledExamplesForPeriod } from './training-examples';
import { NegativeSampler } from './negative-sampler';
import { evaluateCandidateRanking, evaluateFullRanking, evaluatePairs } from './runner';

// Users walk a fixed chain of items; the next item is always the chain successor.
const CHAIN = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const stream: Interaction[] = sortByTime(
  Array.from({ length: 20 }, (_, user) =>
    aStream(`u${user}`, CHAIN.slice(user % 4, (user % 4) + 4), { startMs: user * 10 }),
  ).flat(),
);
const cutMs = 150;
const train = stream.filter((item) => item.timeMs < cutMs);
const cases = buildEvaluationCases(stream, { fromMs: cutMs });

/** Knows the rule: scores the chain successor of the last item highest. */
const oracle: Ranker = {
  kind: 'oracle',
  version: '1',
  async score(input: RankingInput) {
    const next = CHAIN[CHAIN.indexOf(input.sequence.at(-1) ?? '') + 1];
    return Float32Array.from(input.candidates, (candidate) =>
      candidate.itemId === next ? 0.9 : 0.1,
    );
  },
};

describe('evaluation protocol', () => {
  const features = OfflineFeatures.fit(train);
  const generator = new CandidateGenerator(features.coVisitation, { size: 5, minPopular: 2 });

  it('evaluates a baseline by its own full ranking', () => {
    const summary = evaluateFullRanking(features.popularity, cases, { k: 3 });
    expect(summary.cases).toBe(cases.length);
    expect(summary.hitRate.mean).toBeGreaterThanOrEqual(0);
    expect(summary.ndcg.mean).toBeLessThanOrEqual(summary.hitRate.mean);
  });

  it('ranks a scoring model over the candidates, then the catalogue by popularity', async () => {
    const setup = {
      ranker: oracle,
      candidates: generator,
      features,
      fallback: features.popularity,
    };
    const summary = await evaluateCandidateRanking(setup, cases, { k: 3 });
    // The oracle is perfect wherever the generator proposed the target.
    expect(summary.hitRate.mean).toBeCloseTo(summary.candidateRecall, 12);
    expect(summary.ndcg.mean).toBeCloseTo(summary.candidateRecall, 12);
    expect(summary.candidateRecall).toBeGreaterThan(0.5);
  });

  it('proposes co-visitation neighbours first and fills with popular items', () => {
    const candidates = generator.candidatesFor(['c'], new Set(['c']));
    expect(candidates).toHaveLength(5);
    expect(candidates).not.toContain('c');
    expect(candidates.slice(0, 2)).toEqual(expect.arrayContaining(['d']));
  });

  it('scores the same held-out pairs for every model', async () => {
    const groups = heldOutPairs(cases, { features }, { negativesPerPositive: 3, seed: 9 });
    expect(groups.every((group) => group.items.length === 4 && group.labels[0] === 1)).toBe(true);
    expect(heldOutPairs(cases, { features }, { negativesPerPositive: 3, seed: 9 })).toEqual(groups);
    const perfect = await evaluatePairs({ ranker: oracle, groups, features, probabilities: true });
    expect(perfect.auc).toBe(1);
    expect(perfect.logLoss).toBeCloseTo(-(Math.log(0.9) + 3 * Math.log(0.9)) / 4, 6);
    const popularity = await evaluatePairs({ ranker: features.popularity, groups, features });
    expect(popularity.logLoss).toBeNaN();
    expect(popularity.logLossCalibrated).toBeGreaterThan(0);
    expect(popularity.pairs).toBe(perfect.pairs);
  });

  it('turns a training period into labelled examples with a fixed number of negatives', () => {
    const earlier = train.filter((item) => item.timeMs < 100);
    const fitted = OfflineFeatures.fit(earlier);
    const examples = labelledExamplesFrom(
      train,
      { features: fitted, candidates: new CandidateGenerator(fitted.coVisitation, { size: 5 }) },
      { fromMs: 100, untilMs: cutMs, negativesPerPositive: 4, seed: 3 },
    );
    const positives = examples.filter((example) => example.label === 1);
    expect(positives.length).toBeGreaterThan(0);
    expect(examples.length).toBeLessThanOrEqual(positives.length * 5);
    for (const example of examples) {
      expect(example.occurredAtMs).toBeGreaterThanOrEqual(100);
      // Negatives may be earlier history items (as served), never the item just touched.
      expect(example.label === 1 || example.sequence.at(-1) !== example.itemId).toBe(true);
      expect(Object.keys(example.features)).toContain('cross.covis_score');
    }
  });

  it('samples distinct negatives outside the exclusions, popularity-weighted or uniform', () => {
    const popularity = PopularityModel.fit(train);
    const sampler = new NegativeSampler(popularity);
    let state = 0;
    const uniform = () => (state = (state * 9301 + 49297) % 233280) / 233280;
    const drawn = sampler.sample(4, { exclude: new Set(['a']), uniform, popularShare: 0.5 });
    expect(new Set(drawn).size).toBe(drawn.length);
    expect(drawn).not.toContain('a');
    expect(sampler.sample(100, { exclude: new Set(), uniform, popularShare: 1 }).length).toBe(
      popularity.catalogueSize,
    );
  });

  it('excludes the last history item from every list by default', () => {
    const model = CoVisitationModel.fit(train);
    const summary = evaluateFullRanking(model, [
      { userKey: 'x', history: ['a'], target: 'a', targets: ['a'], timeMs: 0 },
    ]);
    expect(summary.hitRate.mean).toBe(0);
  });

  it('keeps history items out of the negatives when asked, and unknown items out of the positives', () => {
    const earlier = train.filter((item) => item.timeMs < 100);
    const fitted = OfflineFeatures.fit(earlier);
    const examples = labelledExamplesFrom(
      train,
      { features: fitted, candidates: new CandidateGenerator(fitted.coVisitation, { size: 5 }) },
      { fromMs: 100, untilMs: cutMs, negativesPerPositive: 4, seed: 3, historyNegatives: false },
    );
    const negatives = examples.filter((example) => example.label === 0);
    const positives = examples.filter((example) => example.label === 1);
    expect(negatives.some((example) => example.sequence.includes(example.itemId))).toBe(false);
    expect(positives.every((example) => fitted.popularity.countOf(example.itemId) > 0)).toBe(true);
  });

  it('labels a whole period by time blocks, each with features from the blocks before it', () => {
    const examples = labelledExamplesForPeriod(train, {
      blocks: 3,
      negativesPerPositive: 2,
      seed: 5,
    });
    const positives = examples.filter((example) => example.label === 1);
    expect(positives.length).toBeGreaterThan(0);
    // Block boundaries: nothing from the first block (it only feeds features).
    const firstBlockEnd = Math.min(...positives.map((example) => example.occurredAtMs!));
    expect(firstBlockEnd).toBeGreaterThan(train[0]!.timeMs);
    // An item first seen in a block cannot be a positive of that block (its features would not know it).
    for (const example of positives) {
      const firstSeen = Math.min(
        ...train.filter((item) => item.itemId === example.itemId).map((item) => item.timeMs),
      );
      expect(firstSeen).toBeLessThan(example.occurredAtMs!);
    }
    expect(
      labelledExamplesForPeriod(train, { blocks: 3, negativesPerPositive: 2, seed: 5 }),
    ).toEqual(examples);
  });
});
