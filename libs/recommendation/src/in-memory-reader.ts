/**
 * A complete `RecommendationReader` over in-process maps, for unit tests, offline evaluation and tools.
 * It follows the Redis reader's semantics: sorted lists are strongest first (ties by item id descending,
 * as ZREVRANGE orders them), unknown keys read as empty, and every call is logged so tests can count
 * round trips or prove that a user's data was never read.
 */
import type { StoredHash, StoredUser } from '@recsys/features';
import type {
  CandidateLists,
  ListsQuery,
  RecommendationReader,
  ScoredItem,
  ShownCount,
} from './reader';

export type ReaderCall =
  | { readonly method: 'readUser' | 'readShownCounts' | 'readPurchased'; readonly userKey: string }
  | { readonly method: 'readLists'; readonly query: ListsQuery }
  | {
      readonly method: 'readNeighbours';
      readonly itemIds: readonly string[];
      readonly perItem: number;
    }
  | {
      readonly method: 'readCategoryPopular';
      readonly categories: readonly string[];
      readonly perCategory: number;
    }
  | { readonly method: 'readItems'; readonly itemIds: readonly string[] };

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

function ranked(weights: ReadonlyMap<string, number>, limit: number): ScoredItem[] {
  return [...weights]
    .map(([itemId, weight]) => ({ itemId, weight }))
    .sort((a, b) => b.weight - a.weight || (a.itemId < b.itemId ? 1 : a.itemId > b.itemId ? -1 : 0))
    .slice(0, Math.max(0, limit));
}

function increment(weights: Map<string, number>, itemId: string, by: number): void {
  weights.set(itemId, (weights.get(itemId) ?? 0) + by);
}

export interface InMemoryReaderOptions {
  /**
   * Offer `readCategoryPopular` (per-category lists built from the items' `cat` and the all-time
   * popularity, exact paths, as the Redis store keeps them). false: a store without those lists.
   * @default true
   */
  readonly categoryLists?: boolean;
}

export class InMemoryRecommendationReader implements RecommendationReader {
  /** Every call, in order. */
  readonly calls: ReaderCall[] = [];
  readonly readCategoryPopular?: RecommendationReader['readCategoryPopular'];
  private readonly users = new Map<string, StoredUser>();
  private readonly items = new Map<string, StoredHash>();
  private readonly neighbours = new Map<string, Map<string, number>>();
  private readonly popularity = new Map<string, number>();
  private readonly popularityByDay = new Map<number, Map<string, number>>();
  private readonly firstSeen = new Map<string, number>();
  private readonly shown = new Map<string, Map<string, { shown: number; clicked: number }>>();
  private readonly purchased = new Map<string, Set<string>>();

  constructor(options: InMemoryReaderOptions = {}) {
    if (options.categoryLists !== false)
      this.readCategoryPopular = async (categories, perCategory) => {
        this.calls.push({
          method: 'readCategoryPopular',
          categories: [...categories],
          perCategory,
        });
        return new Map(categories.map((path) => [path, this.popularIn(path, perCategory)]));
      };
  }

  setUser(userKey: string, user: StoredUser): this {
    this.users.set(userKey, user);
    return this;
  }

  /** Stores an item hash; `firstSeenMs` also lists it among the newest items. */
  setItem(itemId: string, hash: StoredHash, firstSeenMs?: number): this {
    this.items.set(itemId, hash);
    if (firstSeenMs !== undefined) this.firstSeen.set(itemId, firstSeenMs);
    return this;
  }

  /** Adds weight to a co-visitation pair, in both directions (as same-session pairs are stored). */
  addCoVisitation(itemId: string, otherId: string, weight = 1): this {
    for (const [from, to] of [
      [itemId, otherId],
      [otherId, itemId],
    ] as const) {
      const list = this.neighbours.get(from) ?? new Map<string, number>();
      increment(list, to, weight);
      this.neighbours.set(from, list);
    }
    return this;
  }

  /** Adds popularity to the all-time list and, with `dayMs`, to that UTC day's list. */
  addPopularity(itemId: string, weight: number, dayMs?: number): this {
    increment(this.popularity, itemId, weight);
    if (dayMs !== undefined) {
      const day = this.popularityByDay.get(dayOf(dayMs)) ?? new Map<string, number>();
      increment(day, itemId, weight);
      this.popularityByDay.set(dayOf(dayMs), day);
    }
    return this;
  }

  recordShown(userKey: string, itemIds: readonly string[]): this {
    for (const itemId of itemIds) this.updateShown(userKey, itemId, { shown: 1, clicked: 0 });
    return this;
  }

  recordClick(userKey: string, itemId: string): this {
    this.updateShown(userKey, itemId, { shown: 0, clicked: 1 });
    return this;
  }

  recordPurchase(userKey: string, itemId: string): this {
    const items = this.purchased.get(userKey) ?? new Set<string>();
    items.add(itemId);
    this.purchased.set(userKey, items);
    return this;
  }

  async readUser(userKey: string): Promise<StoredUser> {
    this.calls.push({ method: 'readUser', userKey });
    const user = this.users.get(userKey);
    return {
      profile: { ...user?.profile },
      categoryAffinity: { ...user?.categoryAffinity },
      brandAffinity: { ...user?.brandAffinity },
      sequence: [...(user?.sequence ?? [])],
    };
  }

  async readShownCounts(userKey: string): Promise<ReadonlyMap<string, ShownCount>> {
    this.calls.push({ method: 'readShownCounts', userKey });
    return new Map(
      [...(this.shown.get(userKey) ?? [])].map(([itemId, count]) => [itemId, { ...count }]),
    );
  }

  async readPurchased(userKey: string): Promise<ReadonlySet<string>> {
    this.calls.push({ method: 'readPurchased', userKey });
    return new Set(this.purchased.get(userKey));
  }

  async readLists(query: ListsQuery): Promise<CandidateLists> {
    this.calls.push({ method: 'readLists', query });
    const today = this.popularityByDay.get(dayOf(query.today.dayMs)) ?? new Map<string, number>();
    return {
      popular: ranked(this.popularity, query.popular),
      today: ranked(today, query.today.limit),
      newest: ranked(this.firstSeen, query.newest),
    };
  }

  async readNeighbours(
    itemIds: readonly string[],
    perItem: number,
  ): Promise<ReadonlyMap<string, readonly ScoredItem[]>> {
    this.calls.push({ method: 'readNeighbours', itemIds: [...itemIds], perItem });
    return new Map(
      itemIds.map((itemId) => [itemId, ranked(this.neighbours.get(itemId) ?? new Map(), perItem)]),
    );
  }

  async readItems(itemIds: readonly string[]): Promise<ReadonlyMap<string, StoredHash>> {
    this.calls.push({ method: 'readItems', itemIds: [...itemIds] });
    return new Map(itemIds.map((itemId) => [itemId, { ...this.items.get(itemId) }]));
  }

  private popularIn(path: string, limit: number): ScoredItem[] {
    const members = new Map(
      [...this.popularity].filter(([itemId]) => this.items.get(itemId)?.['cat'] === path),
    );
    return ranked(members, limit);
  }

  private updateShown(userKey: string, itemId: string, by: ShownCount): void {
    const counts = this.shown.get(userKey) ?? new Map<string, { shown: number; clicked: number }>();
    const current = counts.get(itemId) ?? { shown: 0, clicked: 0 };
    counts.set(itemId, { shown: current.shown + by.shown, clicked: current.clicked + by.clicked });
    this.shown.set(userKey, counts);
  }
}
