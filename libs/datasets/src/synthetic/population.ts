/**
 * Synthetic shoppers with latent tastes: one to three preferred leaf categories, one or two preferred
 * brands from those departments, a price sensitivity, an activity level, a device and a locale.
 * `affinityOf` is the ground truth a recommender should recover: how much a shopper likes an item,
 * independent of how popular it is.
 */
import type { EventContext } from '@recsys/contracts';
import type { SyntheticCatalog, SyntheticItem } from './catalog';
import type { SeededRandom } from './random';
import { DEVICES, LOCALES, type Locale } from './vocabulary';

export interface SyntheticUser {
  index: number;
  userId: string;
  /** The shopper's browser cookie, sent in every session (alone when not logged in). */
  anonymousId: string;
  /** Leaf category indexes, strongest preference first. */
  preferredCategories: number[];
  preferredBrands: number[];
  /** 0 = ignores price, 1 = strongly prefers cheaper items within a category. */
  priceSensitivity: number;
  /** Multiplier of the mean sessions per day (log-normal around 1). */
  activity: number;
  device: NonNullable<EventContext['device']>;
  locale: Locale;
}

// Weights of the affinity factors: a preferred leaf dominates, its department counts somewhat.
const CATEGORY_FIT = { preferred: 1, sameDepartment: 0.35, other: 0.08 } as const;
const BRAND_FIT = { preferred: 1, other: 0.6 } as const;
const PRICE_PENALTY = 1.5;

export function buildUsers(input: {
  count: number;
  catalog: SyntheticCatalog;
  random: SeededRandom;
}): SyntheticUser[] {
  const { catalog, random } = input;
  const categoryTraffic = catalog.categories.map(
    (category) =>
      category.items.reduce((sum, item) => sum + (catalog.items[item]?.popularity ?? 0), 0) + 0.01,
  );
  return Array.from({ length: input.count }, (_, index) => {
    const preferredCategories = distinctDraws({
      count: 1 + random.int(3),
      weights: categoryTraffic,
      random,
    });
    const departments = new Set(
      preferredCategories.map((category) => catalog.categories[category]?.department),
    );
    const brandWeights = catalog.brands.map((brand) =>
      brand.departments.some((d) => departments.has(d)) ? 1 : 0.05,
    );
    const id = String(index + 1).padStart(5, '0');
    return {
      index,
      userId: `u-${id}`,
      anonymousId: `anon-${id}`,
      preferredCategories,
      preferredBrands: distinctDraws({ count: 1 + random.int(2), weights: brandWeights, random }),
      priceSensitivity: random.next(),
      activity: random.logNormal(1, 0.6),
      device: (DEVICES[random.weightedIndex(DEVICES.map((entry) => entry.weight))] ?? DEVICES[0])
        ?.device ?? { type: 'other' },
      locale:
        LOCALES[random.weightedIndex(LOCALES.map((entry) => entry.weight))] ??
        (LOCALES[0] as Locale),
    };
  });
}

/** `count` distinct indexes drawn in proportion to `weights` (fewer if there are fewer candidates). */
function distinctDraws(input: {
  count: number;
  weights: readonly number[];
  random: SeededRandom;
}): number[] {
  const weights = [...input.weights];
  const chosen: number[] = [];
  while (chosen.length < input.count && weights.some((weight) => weight > 0)) {
    const index = input.random.weightedIndex(weights);
    chosen.push(index);
    weights[index] = 0;
  }
  return chosen;
}

/** Ground-truth affinity of a shopper for an item, in (0, 1]: category fit × brand fit × price fit. */
export function affinityOf(
  user: SyntheticUser,
  item: SyntheticItem,
  catalog: SyntheticCatalog,
): number {
  const category = catalog.categories[item.category];
  const department = category?.department;
  const likesDepartment = user.preferredCategories.some(
    (preferred) => catalog.categories[preferred]?.department === department,
  );
  const categoryFit = user.preferredCategories.includes(item.category)
    ? CATEGORY_FIT.preferred
    : likesDepartment
      ? CATEGORY_FIT.sameDepartment
      : CATEGORY_FIT.other;
  const brandFit = user.preferredBrands.includes(item.brand)
    ? BRAND_FIT.preferred
    : BRAND_FIT.other;
  // Only prices above the category's typical level put a sensitive shopper off.
  const relativePrice = Math.log(item.price / (category?.medianPrice ?? item.price));
  const priceFit = Math.exp(-PRICE_PENALTY * user.priceSensitivity * Math.max(0, relativePrice));
  return categoryFit * brandFit * priceFit;
}
