import { offerGroupOf, type OfferCandidate, selectOfferRecipients } from './offers';
import { estimateUpliftModel, type UpliftModel } from './uplift-model';

const prior = estimateUpliftModel();

/** A model with a fixed uplift per user, for exact expectations. */
function fixedModel(
  uplifts: Record<string, number>,
  byPropensity: Map<number, string>,
): UpliftModel {
  return {
    edges: prior.edges,
    buckets: prior.buckets,
    bucketOf: prior.bucketOf,
    upliftAt: (propensity) => uplifts[byPropensity.get(propensity) ?? ''] ?? 0,
  };
}

const population: OfferCandidate[] = Array.from({ length: 5_000 }, (_, index) => ({
  userKey: `u_${index}`,
  propensity: (index % 100) / 100,
}));

describe('offerGroupOf', () => {
  it('holds out a stable share of users per campaign', () => {
    const groups = population.map((user) =>
      offerGroupOf({ campaignId: 'spring', userKey: user.userKey, holdoutShare: 0.2 }),
    );
    const heldOut = groups.filter((group) => group === 'holdout').length / groups.length;
    expect(heldOut).toBeGreaterThan(0.18);
    expect(heldOut).toBeLessThan(0.22);
    expect(offerGroupOf({ campaignId: 'spring', userKey: 'u_7', holdoutShare: 0.2 })).toBe(
      groups[7],
    );
  });

  it('only moves users into the holdout when its share grows', () => {
    const groupsAt = (holdoutShare: number) =>
      population
        .slice(0, 1_000)
        .map((user) => offerGroupOf({ campaignId: 'c', userKey: user.userKey, holdoutShare }));
    const small = groupsAt(0.1);
    const large = groupsAt(0.3);
    const leftHoldout = small.filter(
      (group, index) => group === 'holdout' && large[index] !== 'holdout',
    );
    expect(leftHoldout).toEqual([]);
    expect(large.filter((group) => group === 'holdout').length).toBeGreaterThan(
      small.filter((group) => group === 'holdout').length,
    );
  });
});

describe('selectOfferRecipients', () => {
  const archetypes = [
    { userKey: 'sure-thing', propensity: 0.9 },
    { userKey: 'persuadable', propensity: 0.4 },
    { userKey: 'lost-cause', propensity: 0.01 },
  ];

  it('ranks by uplift when only the number of coupons is limited: persuadables first', () => {
    const selection = selectOfferRecipients({
      campaignId: 'c1',
      users: archetypes,
      budget: { maxCoupons: 10, couponCost: 5 },
      uplift: prior,
      holdoutShare: 0,
    });
    expect(selection.recipients.map((choice) => choice.userKey)).toEqual([
      'persuadable',
      'sure-thing',
      'lost-cause',
    ]);
    const persuadable = selection.recipients[0]!;
    expect(persuadable.uplift).toBeCloseTo(0.05 * 4 * 0.4 * 0.6, 12);
    expect(persuadable.expectedCost).toBeCloseTo(5 * (0.4 + persuadable.uplift), 12);
    expect(persuadable.score).toBeCloseTo(persuadable.uplift * 10, 12);
    expect(persuadable.bucket).toBe(4);
  });

  it('ranks by uplift per expected redemption cost when spend is the scarce budget', () => {
    // Sure thing: uplift 0.018 for an expected 5 · 0.918 = 4.59; persuadable: 0.048 for 2.24;
    // lost cause: 0.00198 for 0.06 (it rarely redeems, so it costs little).
    const selection = selectOfferRecipients({
      campaignId: 'c1',
      users: archetypes,
      budget: { maxCoupons: 1_000_000, couponCost: 5, maxSpend: 2.5 },
      uplift: prior,
      holdoutShare: 0,
    });
    expect(selection.recipients.map((choice) => choice.userKey)).toEqual([
      'lost-cause',
      'persuadable',
    ]);
    expect(selection.expectedSpend).toBeLessThanOrEqual(2.5);
  });

  it('stops at maxCoupons and sums the expected incremental conversions', () => {
    const byPropensity = new Map([
      [0.1, 'a'],
      [0.2, 'b'],
      [0.3, 'c'],
    ]);
    const model = fixedModel({ a: 0.01, b: 0.05, c: 0.03 }, byPropensity);
    const selection = selectOfferRecipients({
      campaignId: 'c2',
      users: [...byPropensity].map(([propensity, userKey]) => ({ userKey, propensity })),
      budget: { maxCoupons: 2 },
      uplift: model,
      holdoutShare: 0,
    });
    expect(selection.recipients.map((choice) => choice.userKey)).toEqual(['b', 'c']);
    expect(selection.expectedIncrementalConversions).toBeCloseTo(0.08, 12);
    expect(selection.expectedSpend).toBe(2);
  });

  it('respects maxSpend, skipping a user who does not fit for a cheaper one further down', () => {
    const byPropensity = new Map([
      [0.5, 'pricey'],
      [0.05, 'cheap'],
    ]);
    const model = fixedModel({ pricey: 0.1, cheap: 0.005 }, byPropensity);
    const selection = selectOfferRecipients({
      campaignId: 'c3',
      users: [...byPropensity].map(([propensity, userKey]) => ({ userKey, propensity })),
      budget: { maxCoupons: 10, couponCost: 10, maxSpend: 3 },
      uplift: model,
      holdoutShare: 0,
    });
    // pricey: expected cost 10 · 0.6 = 6 > 3, so it is skipped; cheap: 10 · 0.055 = 0.55 fits.
    expect(selection.recipients.map((choice) => choice.userKey)).toEqual(['cheap']);
    expect(selection.expectedSpend).toBeCloseTo(0.55, 12);
  });

  it('gives nothing to users the model expects no gain from', () => {
    const selection = selectOfferRecipients({
      campaignId: 'c4',
      users: [
        { userKey: 'never', propensity: 0 },
        { userKey: 'always', propensity: 1 },
        { userKey: 'maybe', propensity: 0.5 },
      ],
      budget: { maxCoupons: 10 },
      uplift: prior,
      holdoutShare: 0,
    });
    expect(selection.recipients.map((choice) => choice.userKey)).toEqual(['maybe']);
    expect(selection.notPersuadable).toBe(2);
  });

  it('holds out a deterministic share of the users the ranking selects, outside the budget', () => {
    const input = {
      campaignId: 'spring',
      users: population,
      budget: { maxCoupons: 1_000, couponCost: 5 },
      uplift: prior,
      holdoutShare: 0.2,
    };
    const selection = selectOfferRecipients(input);
    expect(selection.recipients).toHaveLength(1_000);
    const share = selection.holdout.length / (selection.holdout.length + 1_000);
    expect(share).toBeGreaterThan(0.16);
    expect(share).toBeLessThan(0.24);
    for (const choice of selection.holdout) {
      expect(offerGroupOf({ ...input, userKey: choice.userKey })).toBe('holdout');
    }
    // Same ranked population: the holdout's mean propensity matches the recipients'.
    const meanOf = (list: Array<{ propensity: number }>) =>
      list.reduce((sum, item) => sum + item.propensity, 0) / list.length;
    expect(meanOf(selection.holdout)).toBeCloseTo(meanOf(selection.recipients), 1);
    expect(selectOfferRecipients(input)).toEqual(selection);
  });

  it('rejects an impossible budget or holdout', () => {
    const base = { campaignId: 'c', users: population, uplift: prior, holdoutShare: 0.1 };
    expect(() => selectOfferRecipients({ ...base, budget: { maxCoupons: -1 } })).toThrow(
      'maxCoupons ≥ 0 integer',
    );
    expect(() =>
      selectOfferRecipients({ ...base, budget: { maxCoupons: 1, maxSpend: 10 } }),
    ).toThrow('maxSpend needs couponCost');
    expect(() =>
      selectOfferRecipients({ ...base, budget: { maxCoupons: 1 }, holdoutShare: 1 }),
    ).toThrow('holdoutShare');
  });
});
