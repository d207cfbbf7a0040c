/**
 * A request's view of the feature store that ends at its deadline: a read started later fails at once
 * (TIMEOUT). The fallback list has been served by then, so the abandoned pipeline stops at its next read
 * instead of reading and computing for nobody — after an outage heals, the backlog of abandoned requests
 * would otherwise resume all at once and delay the live ones.
 */
import { AppError } from '@recsys/contracts';
import type { RecommendationReader } from '@recsys/recommendation';

export function readerUntil(
  reader: RecommendationReader,
  deadlineAtMs: number,
  now: () => number = Date.now,
): RecommendationReader {
  const guard =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      now() > deadlineAtMs
        ? Promise.reject(new AppError('TIMEOUT', 'the request deadline passed before this read'))
        : read(...args);
  const categoryPopular = reader.readCategoryPopular?.bind(reader);
  return {
    readUser: guard(reader.readUser.bind(reader)),
    readShownCounts: guard(reader.readShownCounts.bind(reader)),
    readPurchased: guard(reader.readPurchased.bind(reader)),
    readLists: guard(reader.readLists.bind(reader)),
    readNeighbours: guard(reader.readNeighbours.bind(reader)),
    readItems: guard(reader.readItems.bind(reader)),
    ...(categoryPopular === undefined ? {} : { readCategoryPopular: guard(categoryPopular) }),
  };
}
