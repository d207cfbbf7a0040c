/**
 * A shopper's probability of buying in the coming days without an incentive, from their features: the
 * share of their recent carts that became purchases and of their recent views that became carts, each
 * smoothed towards a storefront-wide prior (a Beta-binomial mean), times how recently they were active.
 * It is a transparent estimate rather than a trained model: the uplift model on top of it learns from the
 * offers' own logged outcomes, so a miscalibrated propensity only moves users between buckets.
 */
import type { UserFeatures } from '@recsys/features';

const PRIOR = { cartRate: 0.1, purchaseRate: 0.3, strength: 5 } as const;
const DAY_MS = 86_400_000;
/** Activity halves every week without an event. */
const ACTIVITY_HALF_LIFE_DAYS = 7;
/** Visits of an active shopper while an offer is valid (about two weeks at two visits a week). */
const VISITS_PER_OFFER = 4;

/** A rate, so at most 1: more successes than trials happen (carts without a tracked view). */
function smoothed(successes: number, trials: number, prior: number): number {
  return Math.min(1, (successes + PRIOR.strength * prior) / (trials + PRIOR.strength));
}

export function purchasePropensity(user: UserFeatures): number {
  const views = user.windowed.view['30d'];
  const carts = user.windowed.cart['30d'];
  const purchases = user.windowed.purchase['30d'];
  const viewToCart = smoothed(carts, views, PRIOR.cartRate);
  const cartToPurchase = smoothed(purchases, carts, PRIOR.purchaseRate);
  // A shopper who views a lot is likely to view again; one who never came is not.
  const engagement = 1 - Math.exp(-(views + 1) / 10);
  const idleDays = user.recencyMs === undefined ? 365 : user.recencyMs / DAY_MS;
  const activity = Math.pow(0.5, idleDays / ACTIVITY_HALF_LIFE_DAYS);
  const perVisit = viewToCart * cartToPurchase * engagement;
  // Several visits fall within an offer's validity; an idle shopper makes fewer of them.
  const visits = VISITS_PER_OFFER * activity;
  return Math.min(1, Math.max(0, 1 - Math.pow(1 - perVisit, visits)));
}
