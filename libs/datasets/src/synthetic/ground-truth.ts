/**
 * What the simulation knows and a recommender has to infer: each shopper's tastes and their affinity
 * for every item. Evaluation compares recommendations against it (e.g. "top-10 items of a shopper have
 * high affinity", "recommended categories are the shopper's preferred ones").
 */
import type { SyntheticCatalog } from './catalog';
import { affinityOf, type SyntheticUser } from './population';

export interface ShopperTaste {
  userId: string;
  anonymousId: string;
  /** Category paths, strongest preference first. */
  preferredCategories: string[][];
  preferredBrands: string[];
  /** 0 = ignores price, 1 = strongly prefers cheaper items. */
  priceSensitivity: number;
}

export interface GroundTruth {
  /** Latent affinity in (0, 1]; undefined for an unknown user or item. */
  affinity(userId: string, itemId: string): number | undefined;
  taste(userId: string): ShopperTaste | undefined;
  tastes(): ShopperTaste[];
  /** The user behind a cookie, for events of logged-out sessions. */
  userOfAnonymousId(anonymousId: string): string | undefined;
  /** Item ids ranked by affinity for the user (ties by popularity), the ideal recommendation list. */
  idealItems(userId: string, count: number): string[];
}

export function groundTruthOf(
  catalog: SyntheticCatalog,
  users: readonly SyntheticUser[],
): GroundTruth {
  const usersById = new Map(users.map((user) => [user.userId, user]));
  const usersByCookie = new Map(users.map((user) => [user.anonymousId, user.userId]));
  const itemsById = new Map(catalog.items.map((item) => [item.itemId, item]));
  const tasteOf = (user: SyntheticUser): ShopperTaste => ({
    userId: user.userId,
    anonymousId: user.anonymousId,
    preferredCategories: user.preferredCategories.map((index) => [
      ...(catalog.categories[index]?.path ?? []),
    ]),
    preferredBrands: user.preferredBrands.map((index) => catalog.brands[index]?.name ?? ''),
    priceSensitivity: user.priceSensitivity,
  });
  return {
    affinity(userId, itemId) {
      const user = usersById.get(userId);
      const item = itemsById.get(itemId);
      return user === undefined || item === undefined ? undefined : affinityOf(user, item, catalog);
    },
    taste: (userId) => {
      const user = usersById.get(userId);
      return user === undefined ? undefined : tasteOf(user);
    },
    tastes: () => users.map(tasteOf),
    userOfAnonymousId: (anonymousId) => usersByCookie.get(anonymousId),
    idealItems(userId, count) {
      const user = usersById.get(userId);
      if (user === undefined) return [];
      const scored = catalog.items.map((item) => ({
        item,
        score: affinityOf(user, item, catalog),
      }));
      scored.sort(
        (left, right) => right.score - left.score || right.item.popularity - left.item.popularity,
      );
      return scored.slice(0, count).map((entry) => entry.item.itemId);
    },
  };
}
