/**
 * One simulated shopping session: landing (home, category or search), a few product views chosen by
 * popularity × the shopper's affinity, carting driven by affinity, occasional removals and shares, a
 * checkout whose revenue is the exact sum of its lines, and later ratings or reviews of what was bought.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import type { SyntheticCatalog, SyntheticItem } from './catalog';
import { affinityOf, type SyntheticUser } from './population';
import type { SeededRandom } from './random';
import { SHARE_CHANNELS } from './vocabulary';
import { SessionRecorder, type ListSource, type SearchInput } from './session-recorder';

/**
 * Behaviour rates of the funnel; every probability is per opportunity (per view, per cart line…). Tuned
 * so that about a fifth of sessions cart something and about one in twenty buys (typical shop figures).
 */
export const FUNNEL = {
  landingOnHome: 0.55,
  landingOnCategory: 0.25,
  searchPerStep: 0.3,
  meanExtraViews: 3,
  focusOutsideTaste: 0.2,
  switchFocusPerView: 0.15,
  cartBase: 0.015,
  cartPerAffinity: 0.1,
  secondUnit: 0.12,
  removeFromCart: 0.12,
  checkoutBase: 0.15,
  checkoutPerAffinity: 0.3,
  sharePerView: 0.015,
  ratingPerPurchase: 0.15,
  reviewPerPurchase: 0.06,
  brandInQuery: 0.35,
  /** Weight left to an item already viewed in the session (shoppers do go back, less often). */
  revisit: 0.25,
} as const;

const SEARCH_RESULTS_SHOWN = 10;
// Popularity is damped so the shopper's taste, not only the bestseller list, decides what gets viewed.
const POPULARITY_EXPONENT = 0.8;
const AFFINITY_EXPONENT = 2;

export interface SimulationWorld {
  catalog: SyntheticCatalog;
  random: SeededRandom;
  seed: number;
  currency: string;
  /** How often a category is the focus of an exploring shopper: its number of items. */
  categoryWeights: readonly number[];
  /** Item popularity raised to POPULARITY_EXPONENT, by item index (computed once per run). */
  dampedPopularity: readonly number[];
}

export function createSimulationWorld(input: {
  catalog: SyntheticCatalog;
  random: SeededRandom;
  seed: number;
  currency: string;
}): SimulationWorld {
  return {
    ...input,
    categoryWeights: input.catalog.categories.map((category) => category.items.length),
    dampedPopularity: input.catalog.items.map((item) => item.popularity ** POPULARITY_EXPONENT),
  };
}

export interface SessionPlan {
  user: SyntheticUser;
  startMs: number;
  loggedIn: boolean;
  sessionNumber: number;
}

export interface SessionOutcome {
  events: StorefrontEvent[];
  /** Ratings and reviews written days later, in their own short visits. */
  later: StorefrontEvent[];
  endMs: number;
}

export function simulateSession(world: SimulationWorld, plan: SessionPlan): SessionOutcome {
  const shopper = new Shopper(world, plan);
  shopper.land();
  const views = 1 + world.random.poisson(FUNNEL.meanExtraViews);
  for (let step = 0; step < views; step += 1) shopper.browse();
  shopper.finish();
  return shopper.recorder.outcome();
}

class Shopper {
  readonly recorder: SessionRecorder;
  private focus: number;
  private onCategoryPage = false;
  private readonly cart = new Map<number, number>();
  private readonly viewed = new Set<number>();
  private readonly affinities = new Map<number, number>();

  constructor(
    private readonly world: SimulationWorld,
    private readonly plan: SessionPlan,
  ) {
    this.recorder = new SessionRecorder(world, plan);
    this.focus = this.chooseFocus();
  }

  land(): void {
    const draw = this.world.random.next();
    if (draw < FUNNEL.landingOnHome) this.recorder.pageView({ pageType: 'home' });
    else if (draw < FUNNEL.landingOnHome + FUNNEL.landingOnCategory) this.openCategory();
  }

  browse(): void {
    const random = this.world.random;
    const viaSearch = random.chance(FUNNEL.searchPerStep);
    const picked = viaSearch ? this.searchAndPick() : this.browseAndPick();
    if (picked === undefined) return;
    this.viewed.add(picked.item.index);
    this.recorder.productView(picked.item, picked.source);
    this.react(picked.item);
    if (random.chance(FUNNEL.switchFocusPerView)) {
      this.focus = this.chooseFocus();
      this.onCategoryPage = false;
    }
  }

  finish(): void {
    for (const [itemIndex, quantity] of [...this.cart]) {
      if (!this.world.random.chance(FUNNEL.removeFromCart)) continue;
      this.recorder.removeFromCart(this.itemAt(itemIndex), quantity);
      this.cart.delete(itemIndex);
    }
    if (this.cart.size === 0) return;
    const lines = [...this.cart].map(([index, quantity]) => ({
      item: this.itemAt(index),
      quantity,
    }));
    const meanAffinity =
      lines.reduce((sum, line) => sum + this.affinity(line.item), 0) / lines.length;
    if (!this.world.random.chance(FUNNEL.checkoutBase + FUNNEL.checkoutPerAffinity * meanAffinity))
      return;
    this.recorder.pageView({ pageType: 'cart' });
    this.recorder.pageView({ pageType: 'checkout' });
    this.recorder.purchase(lines);
    for (const line of lines) this.maybeRate(line.item);
  }

  private chooseFocus(): number {
    const { random, categoryWeights } = this.world;
    const preferred = this.plan.user.preferredCategories;
    if (preferred.length === 0 || random.chance(FUNNEL.focusOutsideTaste))
      return random.weightedIndex(categoryWeights);
    // The first preference is the strongest: weights 3, 2, 1.
    return (
      preferred[random.weightedIndex(preferred.map((_, rank) => preferred.length - rank))] ?? 0
    );
  }

  private openCategory(): void {
    const category = this.world.catalog.categories[this.focus];
    if (category === undefined) return;
    this.recorder.pageView({ pageType: 'category', categoryPath: [...category.path] });
    this.onCategoryPage = true;
  }

  private browseAndPick(): { item: SyntheticItem; source?: ListSource } | undefined {
    if (!this.onCategoryPage) this.openCategory();
    const candidates = this.world.catalog.categories[this.focus]?.items ?? [];
    const weights = candidates.map((index) => this.choiceWeight(this.itemAt(index)));
    if (candidates.length === 0) return undefined;
    return { item: this.itemAt(candidates[this.world.random.weightedIndex(weights)] ?? 0) };
  }

  private searchAndPick(): { item: SyntheticItem; source: ListSource } | undefined {
    const search = this.composeSearch();
    if (search === undefined) return undefined;
    const listId = this.recorder.search(search);
    this.onCategoryPage = false;
    // Position bias: lower results are seen less, then taste decides among what was seen.
    const weights = search.results.map(
      (item, position) => this.choiceWeight(item) / (position + 1),
    );
    const position = this.world.random.weightedIndex(weights);
    const item = search.results[position] ?? search.results[0];
    return item === undefined ? undefined : { item, source: { listId, position } };
  }

  /** A query for the focus category, sometimes narrowed to a brand (a preferred one when it has items). */
  private composeSearch(): SearchInput | undefined {
    const category = this.world.catalog.categories[this.focus];
    if (category === undefined || category.items.length === 0) return undefined;
    const items = category.items.map((index) => this.itemAt(index));
    const leaf = category.path[1].toLowerCase();
    const plain = {
      query: leaf,
      results: items.slice(0, SEARCH_RESULTS_SHOWN),
      resultCount: items.length,
    };
    if (!this.world.random.chance(FUNNEL.brandInQuery)) return plain;
    const liked = items.filter((item) => this.plan.user.preferredBrands.includes(item.brand));
    const brandIndex = (liked[0] ?? this.world.random.pick(items)).brand;
    const brand = this.world.catalog.brands[brandIndex];
    const matching = items.filter((item) => item.brand === brandIndex);
    if (brand === undefined || matching.length === 0) return plain;
    return {
      query: `${brand.name.toLowerCase()} ${leaf}`,
      results: matching.slice(0, SEARCH_RESULTS_SHOWN),
      resultCount: matching.length,
      filters: { brand: brand.name },
    };
  }

  private react(item: SyntheticItem): void {
    const random = this.world.random;
    if (random.chance(FUNNEL.sharePerView)) this.recorder.share(item, random.pick(SHARE_CHANNELS));
    if (item.upsert.availability !== 'in_stock' || this.cart.has(item.index)) return;
    if (!random.chance(FUNNEL.cartBase + FUNNEL.cartPerAffinity * this.affinity(item))) return;
    const quantity = random.chance(FUNNEL.secondUnit) ? 2 : 1;
    this.cart.set(item.index, quantity);
    this.recorder.addToCart(item, quantity);
  }

  private maybeRate(item: SyntheticItem): void {
    const random = this.world.random;
    const draw = random.next();
    if (draw >= FUNNEL.ratingPerPurchase + FUNNEL.reviewPerPurchase) return;
    // Stars follow the latent affinity, with noise: liked items get better ratings.
    const stars = Math.min(
      5,
      Math.max(1, Math.round(1.5 + 3.5 * this.affinity(item) + 0.8 * random.normal())),
    );
    this.recorder.rateLater({ item, stars, withText: draw >= FUNNEL.ratingPerPurchase });
  }

  private choiceWeight(item: SyntheticItem): number {
    const revisit = this.viewed.has(item.index) ? FUNNEL.revisit : 1;
    return (
      revisit * item.popularity ** POPULARITY_EXPONENT * this.affinity(item) ** AFFINITY_EXPONENT
    );
  }

  private affinity(item: SyntheticItem): number {
    let affinity = this.affinities.get(item.index);
    if (affinity === undefined) {
      affinity = affinityOf(this.plan.user, item, this.world.catalog);
      this.affinities.set(item.index, affinity);
    }
    return affinity;
  }

  private itemAt(index: number): SyntheticItem {
    const item = this.world.catalog.items[index];
    if (item === undefined) throw new RangeError(`no item #${index}`);
    return item;
  }
}
