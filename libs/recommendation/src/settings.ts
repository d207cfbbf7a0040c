/**
 * Tuning of the recommendation pipeline, as one zod schema: the runtime check and the type come from the
 * same definition, and every key has a default so `recommendationSettingsOf({})` is a working setup.
 */
import { availabilities } from '@recsys/contracts';
import { z } from 'zod';

/** Candidate sources, in the order their explanations are preferred on a tie. */
export const candidateSources = [
  'co_visitation',
  'context_category',
  'category_affinity',
  'trending',
  'exploration',
  'popular',
] as const;
export type CandidateSource = (typeof candidateSources)[number];

const weight = (value: number) => z.number().min(0).max(10).default(value);

/** Weight of each source in a candidate's source score. */
const sourceWeightsSchema = z.strictObject({
  /** @default 0.7 */
  category_affinity: weight(0.7),
  /** @default 1 */
  co_visitation: weight(1),
  /** @default 0.8 */
  context_category: weight(0.8),
  /** @default 0.2 */
  exploration: weight(0.2),
  /** @default 0.3 */
  popular: weight(0.3),
  /** @default 0.5 */
  trending: weight(0.5),
});

export const recommendationSettingsSchema = z.strictObject({
  /** Recent items of the user used as co-visitation anchors, after the context items. @default 5 */
  anchorCount: z.int().min(0).max(50).default(5),
  /** The i-th anchor (0 = the most recent) counts anchorDecay^i. @default 0.7 */
  anchorDecay: z.number().gt(0).max(1).default(0.7),
  /** Items one category can contribute to the category sources. @default 30 */
  categoryLimit: z.int().min(1).max(1000).default(30),
  /** Share of the k slots reserved for new items (expected value; 0 disables). @default 0.1 */
  explorationShare: z.number().min(0).max(0.5).default(0.1),
  /** Candidates kept after filtering and passed to the ranker. @default 200 */
  maxCandidates: z.int().min(1).max(2000).default(200),
  /** Share of k one top-level category may fill before others are preferred (at least 1 item). @default 0.3 */
  maxCategoryShare: z.number().gt(0).max(1).default(0.3),
  /** An item shown this many times without a click is not recommended again. @default 3 */
  maxShownWithoutClick: z.int().min(1).max(1000).default(3),
  /** Co-visitation neighbours read per anchor. @default 20 */
  neighboursPerAnchor: z.int().min(1).max(50).default(20),
  /** Newest items read for exploration. @default 30 */
  newestLimit: z.int().min(0).max(1000).default(30),
  /** Depth of the all-time popularity list (popular candidates, category sources). @default 200 */
  popularLimit: z.int().min(0).max(2000).default(200),
  /** Ranker deadline when the request brings none. @default 100 */
  rankerTimeoutMs: z.int().min(1).max(60_000).default(100),
  /** Category paths (prefixes, `A > B`) whose items may be recommended again after a purchase. @default [] */
  repurchasableCategories: z.array(z.string().min(1)).default([]),
  /** Weight of each source in the source score (fallback order and candidate cut); partial overrides keep the other defaults. */
  sourceWeights: sourceWeightsSchema.prefault({}),
  /** The user's strongest categories used by the category-affinity source. @default 3 */
  topCategories: z.int().min(0).max(20).default(3),
  /** Trending items kept. @default 30 */
  trendingLimit: z.int().min(0).max(1000).default(30),
  /** Today's weight an item needs before its growth counts (noise guard). @default 3 */
  trendingMinWeight: z.number().min(0).default(3),
  /** Depth of today's popularity list. @default 200 */
  trendingPoolSize: z.int().min(0).max(2000).default(200),
  /** Catalogue availabilities that are never recommended. @default ['out_of_stock', 'discontinued'] */
  unavailable: z.array(z.enum(availabilities)).default(['out_of_stock', 'discontinued']),
});

export type RecommendationSettings = z.output<typeof recommendationSettingsSchema>;
export type RecommendationSettingsInput = z.input<typeof recommendationSettingsSchema>;

/** Validated settings with defaults filled in; throws a ZodError on an invalid value. */
export function recommendationSettingsOf(
  input: RecommendationSettingsInput = {},
): RecommendationSettings {
  return recommendationSettingsSchema.parse(input);
}

export const defaultRecommendationSettings: RecommendationSettings = recommendationSettingsOf();
