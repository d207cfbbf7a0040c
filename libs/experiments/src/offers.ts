/**
 * Personalised offers: who gets a coupon. Users are ranked by expected incremental conversions (uplift)
 * per unit of budget they use, and taken greedily until the budget is spent. A deterministic share of
 * the users the ranking selects is held out instead (they get nothing): treated and held-out users come
 * from the same ranked population, so comparing their conversion measures the offer's uplift where it
 * was applied, in the same counters and tests as any experiment.
 *
 * Cost model: with `costBasis: 'redemption'` (default) a coupon costs `couponCost` only when used, so
 * its expected cost is couponCost · P(purchase | coupon) = couponCost · (p + uplift) — which is what
 * makes "sure things" expensive: they redeem without buying more. With `'issue'` every coupon costs
 * `couponCost`. Without `couponCost` each coupon costs 1 and `maxSpend` does not apply.
 *
 * Two limits (coupons and spend) make the ranking a two-constraint knapsack; the greedy key divides the
 * uplift by the share of both budgets a coupon uses, 1/maxCoupons + expectedCost/maxSpend (the usual
 * aggregate-resource heuristic). With only a coupon limit this ranks by uplift; when spend is the
 * scarce budget it ranks by uplift per expected cost.
 */
import { bucketValue } from './bucketing';
import type { UpliftModel } from './uplift-model';

export const offerGroups = ['treatment', 'holdout'] as const;
export type OfferGroup = (typeof offerGroups)[number];

/** Salt of the holdout draw, so it is independent of any experiment using the same id. */
const HOLDOUT_SALT = 'offer-holdout';

export interface OfferBudget {
  /** Most coupons issued (held-out users do not count). */
  maxCoupons: number;
  /** Face value of one coupon, in the reporting currency. */
  couponCost?: number;
  /** Cap on expected spend (Σ expected cost of the recipients); needs `couponCost`. */
  maxSpend?: number;
  /** @default 'redemption' */
  costBasis?: 'redemption' | 'issue';
}

export interface OfferCandidate {
  userKey: string;
  /** Predicted purchase probability without a coupon, in [0, 1]. */
  propensity: number;
}

export interface OfferChoice extends OfferCandidate {
  /** Propensity bucket of the uplift model (log it with the decision). */
  bucket: number;
  /** Expected incremental purchase probability from the coupon. */
  uplift: number;
  expectedCost: number;
  /** uplift / (1/maxCoupons + expectedCost/maxSpend): the ranking key. */
  score: number;
}

export interface OfferSelection {
  /** Users to send a coupon, best score first. */
  recipients: OfferChoice[];
  /** Users the ranking selected but the holdout draw kept out: the control group. */
  holdout: OfferChoice[];
  /** Σ uplift over the recipients. */
  expectedIncrementalConversions: number;
  /** Σ expected cost over the recipients. */
  expectedSpend: number;
  /** Users left out because the model expects no gain (uplift ≤ minUplift) from a coupon. */
  notPersuadable: number;
}

export interface OfferSelectionInput {
  /** Identifies the campaign: the holdout draw is stable per campaign and user. */
  campaignId: string;
  users: readonly OfferCandidate[];
  budget: OfferBudget;
  uplift: UpliftModel;
  /** Share of selected users held out, in [0, 1). */
  holdoutShare: number;
  /** Users whose expected uplift is not above this get no coupon. @default 0 */
  minUplift?: number;
}

/** The campaign group of a user: holdout when their stable position falls below `holdoutShare`. */
export function offerGroupOf(input: {
  campaignId: string;
  userKey: string;
  holdoutShare: number;
}): OfferGroup {
  const u = bucketValue({
    experimentId: input.campaignId,
    salt: HOLDOUT_SALT,
    userKey: input.userKey,
  });
  return u < input.holdoutShare ? 'holdout' : 'treatment';
}

/** Chooses coupon recipients and the matching holdout within the budget (see the module comment). */
export function selectOfferRecipients(input: OfferSelectionInput): OfferSelection {
  checkInput(input);
  const { ranked, notPersuadable } = rank(input);
  const { maxCoupons, maxSpend } = input.budget;
  const spendCap = input.budget.couponCost === undefined ? Infinity : (maxSpend ?? Infinity);
  const recipients: OfferChoice[] = [];
  const holdout: OfferChoice[] = [];
  let spend = 0;
  for (const choice of ranked) {
    if (recipients.length >= maxCoupons) break;
    // Skip (rather than stop at) a user who does not fit: a cheaper one further down may.
    if (spend + choice.expectedCost > spendCap) continue;
    if (offerGroupOf({ ...input, userKey: choice.userKey }) === 'holdout') {
      holdout.push(choice);
      continue;
    }
    recipients.push(choice);
    spend += choice.expectedCost;
  }
  return {
    recipients,
    holdout,
    expectedIncrementalConversions: recipients.reduce((sum, choice) => sum + choice.uplift, 0),
    expectedSpend: spend,
    notPersuadable,
  };
}

function rank(input: OfferSelectionInput): { ranked: OfferChoice[]; notPersuadable: number } {
  const minUplift = input.minUplift ?? 0;
  const seen = new Set<string>();
  const ranked: OfferChoice[] = [];
  let notPersuadable = 0;
  for (const user of input.users) {
    if (seen.has(user.userKey)) continue;
    seen.add(user.userKey);
    const uplift = input.uplift.upliftAt(user.propensity);
    if (!(uplift > minUplift)) {
      notPersuadable += 1;
      continue;
    }
    const expectedCost = costOf(input.budget, user.propensity + uplift);
    const bucket = input.uplift.bucketOf(user.propensity);
    const score = uplift / budgetShare(input.budget, expectedCost);
    ranked.push({ ...user, bucket, uplift, expectedCost, score });
  }
  ranked.sort((a, b) => b.score - a.score || (a.userKey < b.userKey ? -1 : 1));
  return { ranked, notPersuadable };
}

/** The share of the budgets one coupon uses (see the module comment). */
function budgetShare(budget: OfferBudget, expectedCost: number): number {
  const ofCoupons = 1 / Math.max(1, budget.maxCoupons);
  if (budget.maxSpend === undefined || budget.couponCost === undefined) return ofCoupons;
  return ofCoupons + expectedCost / Math.max(budget.maxSpend, Number.MIN_VALUE);
}

function costOf(budget: OfferBudget, treatedPurchaseProbability: number): number {
  if (budget.couponCost === undefined) return 1;
  if (budget.costBasis === 'issue') return budget.couponCost;
  // A floor keeps the ratio finite for users with a (near-)zero purchase probability.
  return budget.couponCost * Math.max(1e-6, Math.min(1, treatedPurchaseProbability));
}

const INPUT_RULES: ReadonlyArray<[string, (input: OfferSelectionInput) => boolean]> = [
  [
    'maxCoupons ≥ 0 integer',
    ({ budget }) => Number.isInteger(budget.maxCoupons) && budget.maxCoupons >= 0,
  ],
  ['couponCost ≥ 0', ({ budget }) => budget.couponCost === undefined || budget.couponCost >= 0],
  ['maxSpend ≥ 0', ({ budget }) => budget.maxSpend === undefined || budget.maxSpend >= 0],
  [
    'maxSpend needs couponCost',
    ({ budget }) => budget.maxSpend === undefined || budget.couponCost !== undefined,
  ],
  ['0 ≤ holdoutShare < 1', ({ holdoutShare }) => holdoutShare >= 0 && holdoutShare < 1],
  [
    'propensities in [0, 1]',
    ({ users }) => users.every((user) => user.propensity >= 0 && user.propensity <= 1),
  ],
];

function checkInput(input: OfferSelectionInput): void {
  const problems = INPUT_RULES.filter(([, holds]) => !holds(input)).map(([rule]) => rule);
  if (problems.length > 0)
    throw new RangeError(`selectOfferRecipients: need ${problems.join(', ')}`);
}
