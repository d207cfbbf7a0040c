/**
 * `recommend`: top-k items for a user, in three read stages (user + lists, neighbours, items), then
 * sources → filters → ranker (or the source-score fallback) → diversity → exploration → explanations.
 * The reader, the ranker and the clock are injected; everything else is pure.
 */
import { decodeUserFeatures, featureLimits } from '@recsys/features';
import type { Anchor, Candidate } from './candidates';
import {
  anchorsFor,
  candidatePool,
  finalItems,
  idSourceHits,
  itemsToRead,
  wantedCategories,
  type WantedCategories,
} from './pipeline-steps';
import type { Ranker } from './ranker';
import {
  orderByScore,
  rankingCandidatesOf,
  scoreWithin,
  type FeatureFacts,
  type RankerFailure,
  type RankerOutcome,
  type Scored,
} from './ranking';
import { systemClock, type Clock, type RecommendationReader, type ScoredItem } from './reader';
import { defaultRecommendationSettings, type RecommendationSettings } from './settings';
import {
  FALLBACK_RANKED_BY,
  MAX_K,
  type RankedBy,
  type RecommendationDeps,
  type RecommendRequest,
  type RecommendResult,
} from './types';
import {
  hasHistory,
  readableUserKey,
  readUserState,
  requestContextFeatures,
  type UserState,
} from './user-state';

export interface PipelineEnv {
  readonly reader: RecommendationReader;
  readonly ranker: Ranker;
  readonly clock: Clock;
  readonly settings: RecommendationSettings;
}

export function pipelineEnvOf(deps: RecommendationDeps): PipelineEnv {
  return {
    reader: deps.reader,
    ranker: deps.ranker,
    clock: deps.clock ?? systemClock,
    settings: deps.settings ?? defaultRecommendationSettings,
  };
}

/** Measures consecutive stages with the injected clock. */
export function stopwatch(clock: Clock): {
  readonly startedMs: number;
  lap(): number;
  total(): number;
} {
  const startedMs = clock.now();
  let last = startedMs;
  return {
    startedMs,
    lap: () => {
      const now = clock.now();
      const elapsed = now - last;
      last = now;
      return elapsed;
    },
    total: () => clock.now() - startedMs,
  };
}

export async function recommend(
  request: RecommendRequest,
  deps: RecommendationDeps,
): Promise<RecommendResult> {
  if (!Number.isInteger(request.k) || request.k < 1 || request.k > MAX_K)
    throw new RangeError(`k must be an integer from 1 to ${MAX_K}, got ${request.k}`);
  const env = pipelineEnvOf(deps);
  const { settings, reader } = env;
  const watch = stopwatch(env.clock);
  const nowMs = watch.startedMs;
  const [user, lists] = await Promise.all([
    readUserState(reader, readableUserKey(request)),
    reader.readLists({
      popular: settings.popularLimit,
      today: { limit: settings.trendingPoolSize, dayMs: nowMs },
      newest: settings.newestLimit,
    }),
  ]);
  const userAndListsMs = watch.lap();
  const second = await readSecondStage(request, user, env);
  const neighboursMs = watch.lap();
  const idHits = idSourceHits({ ...second, lists }, settings);
  const items = await reader.readItems(itemsToRead(idHits, second.anchors));
  const itemsMs = watch.lap();
  const { categories } = second;
  const pool = candidatePool({ request, user, lists, items, idHits, categories }, settings);
  const facts = { user, items, nowMs, client: request.context?.client };
  const ranked = await rankCandidates(
    pool.considered,
    { facts, deadlineMs: request.deadlineMs },
    env,
  );
  const rankMs = watch.lap();
  return {
    items: finalItems(
      { ranked: ranked.ordered, items, k: request.k, seed: request.seed },
      settings,
    ),
    personalized: readableUserKey(request) !== undefined && hasHistory(user.stored),
    ...degradation(ranked.outcome, env.ranker),
    candidatesGenerated: pool.generated,
    candidatesConsidered: pool.considered.length,
    filtered: pool.filtered,
    timings: { userAndListsMs, neighboursMs, itemsMs, rankMs, totalMs: watch.total() },
  };
}

interface SecondStage {
  readonly anchors: Anchor[];
  readonly neighbours: ReadonlyMap<string, readonly ScoredItem[]>;
  readonly categories: WantedCategories;
  readonly categoryLists: ReadonlyMap<string, readonly ScoredItem[]>;
}

/** Stage 2: neighbours of the anchors and, if the reader offers them, the wanted categories' lists. */
async function readSecondStage(
  request: RecommendRequest,
  user: UserState,
  env: PipelineEnv,
): Promise<SecondStage> {
  const { reader, settings } = env;
  const anchors = anchorsFor(request, user, settings);
  const categories = wantedCategories(request, user, settings);
  const names = [...new Set([...categories.user, ...categories.context].map((c) => c.name))];
  const none = new Map<string, readonly ScoredItem[]>();
  const [neighbours, categoryLists] = await Promise.all([
    anchors.length === 0
      ? none
      : reader.readNeighbours(
          anchors.map((anchor) => anchor.itemId),
          settings.neighboursPerAnchor,
        ),
    names.length === 0 || reader.readCategoryPopular === undefined
      ? none
      : reader.readCategoryPopular(names, settings.categoryLimit),
  ]);
  return { anchors, neighbours, categories, categoryLists };
}

export interface RankFacts {
  readonly user: UserState;
  readonly items: FeatureFacts['items'];
  readonly nowMs: number;
  readonly client: Parameters<typeof requestContextFeatures>[1];
}

/** The user's sequence as the ranker (and training) sees it: most recent last, at most 50. */
export function rankerSequenceOf(user: UserState): string[] {
  return user.stored.sequence.slice(0, featureLimits.sequenceLength).reverse();
}

/** Ranker order, or the source-score order (already the candidates' order) when the ranker fails. */
async function rankCandidates(
  considered: readonly Candidate[],
  input: { facts: RankFacts; deadlineMs: number | undefined },
  env: PipelineEnv,
): Promise<{ ordered: Array<Scored<Candidate>>; outcome: RankerOutcome }> {
  const { facts } = input;
  const candidates = rankingCandidatesOf(
    considered.map((candidate) => candidate.itemId),
    {
      user: decodeUserFeatures(facts.user.stored, facts.nowMs),
      userCategories: facts.user.stored.categoryAffinity,
      context: requestContextFeatures(facts.nowMs, facts.client),
      items: facts.items,
      nowMs: facts.nowMs,
    },
  );
  const deadlineMs = input.deadlineMs ?? facts.nowMs + env.settings.rankerTimeoutMs;
  const outcome = await scoreWithin(env.ranker, {
    sequence: rankerSequenceOf(facts.user),
    candidates,
    timeoutMs: deadlineMs - env.clock.now(),
  });
  const ordered = outcome.ok
    ? orderByScore(considered, outcome.scores)
    : considered.map((entry) => ({ entry, score: entry.sourceScore }));
  return { ordered, outcome };
}

/** The `degraded`, `degradedReason` and `rankedBy` fields of a result. */
export function degradation(
  outcome: RankerOutcome,
  ranker: Ranker,
): { degraded: boolean; degradedReason?: RankerFailure; rankedBy: RankedBy } {
  return outcome.ok
    ? { degraded: false, rankedBy: { kind: ranker.kind, version: ranker.version } }
    : { degraded: true, degradedReason: outcome.reason, rankedBy: FALLBACK_RANKED_BY };
}
