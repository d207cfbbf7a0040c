/**
 * Co-visitation item-kNN: items touched close together by the same user are neighbours. Each training
 * item is paired with up to `window` earlier items of the user (optionally only within a session), a pair
 * weighing 1/distance (and less when old, with a half-life). Similarity is cosine-like,
 * c(a,b)/√(n(a)·n(b)), and each item keeps its top neighbours. A history is scored by summing its recent
 * items' neighbour lists, the i-th most recent weighted historyDecay^i; items no neighbour list reaches
 * follow in popularity order (the fallback).
 */
import type { RankingInput } from '@recsys/recommendation';
import { groupByUser, type Interaction } from '../interactions';
import { ItemIndex, topIndices, type FullRanker } from './full-ranker';
import { PopularityModel } from './popularity';

export interface CoVisitationOptions {
  /** Earlier items of the same user each item is paired with. @default 5 */
  window?: number;
  /** A gap longer than this ends a session; pairs never span sessions. @default +∞ (whole history) */
  sessionGapMs?: number;
  /** Neighbours kept per item. @default 100 */
  neighbours?: number;
  /** Most recent distinct history items that vote at query time. @default 10 */
  historyItems?: number;
  /** Vote weight of the i-th most recent history item: historyDecay^i. @default 0.6 */
  historyDecay?: number;
  /** A pair's weight halves every `halfLifeMs` before the last training instant. @default no decay */
  halfLifeMs?: number;
  /** The fallback order; fitted from the same interactions when omitted. */
  popularity?: PopularityModel;
}

interface NeighbourList {
  readonly items: Int32Array;
  readonly similarities: Float32Array;
}

const EMPTY: NeighbourList = { items: new Int32Array(0), similarities: new Float32Array(0) };

export class CoVisitationModel implements FullRanker {
  readonly kind = 'co_visitation';
  readonly version: string;

  private readonly index: ItemIndex;
  private readonly lists: readonly NeighbourList[];
  readonly popularity: PopularityModel;
  private readonly options: CoVisitationOptions;

  private constructor(fitted: {
    index: ItemIndex;
    lists: readonly NeighbourList[];
    popularity: PopularityModel;
    options: CoVisitationOptions;
  }) {
    this.index = fitted.index;
    this.lists = fitted.lists;
    this.popularity = fitted.popularity;
    this.options = fitted.options;
    this.version = `w${fitted.options.window ?? 5}`;
  }

  static fit(
    interactions: readonly Interaction[],
    options: CoVisitationOptions = {},
  ): CoVisitationModel {
    const popularity = options.popularity ?? PopularityModel.fit(interactions);
    const index = ItemIndex.of(popularity.ranking);
    const counts = countPairs(interactions, { index, options });
    const lists = counts.pairs.map((pairs, item) =>
      topNeighbours({ pairs, occurrences: counts.occurrences, item }, options.neighbours ?? 100),
    );
    return new CoVisitationModel({ index, lists, popularity, options });
  }

  /** The neighbours of one item, best first, with their similarity. */
  neighboursOf(itemId: string): Array<{ itemId: string; similarity: number }> {
    const item = this.index.indexOf(itemId);
    const list = item === undefined ? EMPTY : (this.lists[item] ?? EMPTY);
    return Array.from(list.items, (neighbour, position) => ({
      itemId: this.index.ids[neighbour] ?? '',
      similarity: list.similarities[position] ?? 0,
    }));
  }

  /** Summed neighbour votes of the history's recent items (only items with a positive score). */
  scoresFor(history: readonly string[]): Map<string, number> {
    const votes = new Map<string, number>();
    const decay = this.options.historyDecay ?? 0.6;
    recentDistinct(history, this.options.historyItems ?? 10).forEach((itemId, recency) => {
      const item = this.index.indexOf(itemId);
      const list = item === undefined ? EMPTY : (this.lists[item] ?? EMPTY);
      const weight = decay ** recency;
      for (let position = 0; position < list.items.length; position += 1) {
        const neighbour = this.index.ids[list.items[position] ?? 0] ?? '';
        votes.set(
          neighbour,
          (votes.get(neighbour) ?? 0) + weight * (list.similarities[position] ?? 0),
        );
      }
    });
    return votes;
  }

  recommend(history: readonly string[], k: number, exclude?: ReadonlySet<string>): string[] {
    const votes = [...this.scoresFor(history)];
    const chosen = topIndices(
      votes.map(([, score]) => score),
      k,
      (position) => exclude?.has(votes[position]?.[0] ?? '') === true,
    ).map((position) => votes[position]?.[0] ?? '');
    if (chosen.length >= k) return chosen;
    const taken = new Set([...chosen, ...(exclude ?? [])]);
    return [...chosen, ...this.popularity.recommend(history, k - chosen.length, taken)];
  }

  /**
   * Co-visitation votes above 1 + vote; items without votes in [0, 1) by popularity rank, so the scores
   * order candidates exactly as `recommend` orders the catalogue.
   */
  async score(input: RankingInput): Promise<Float32Array> {
    const votes = this.scoresFor(input.sequence);
    const size = Math.max(1, this.popularity.catalogueSize);
    return Float32Array.from(input.candidates, ({ itemId }) => {
      const vote = votes.get(itemId) ?? 0;
      if (vote > 0) return 1 + vote;
      const rank = this.index.indexOf(itemId);
      return rank === undefined ? 0 : 1 - (rank + 1) / (size + 1);
    });
  }
}

/** The last `count` distinct items of a history, most recent first. */
export function recentDistinct(history: readonly string[], count: number): string[] {
  const out: string[] = [];
  for (let position = history.length - 1; position >= 0 && out.length < count; position -= 1) {
    const itemId = history[position] as string;
    if (!out.includes(itemId)) out.push(itemId);
  }
  return out;
}

interface PairCounts {
  pairs: Array<Map<number, number>>;
  occurrences: Float64Array;
}

function countPairs(
  interactions: readonly Interaction[],
  context: { index: ItemIndex; options: CoVisitationOptions },
): PairCounts {
  const { index, options } = context;
  const pairs = Array.from({ length: index.size }, () => new Map<number, number>());
  const occurrences = new Float64Array(index.size);
  const nowMs = interactions.at(-1)?.timeMs ?? 0;
  const timeWeight = (timeMs: number): number =>
    options.halfLifeMs === undefined ? 1 : 0.5 ** ((nowMs - timeMs) / options.halfLifeMs);
  for (const stream of groupByUser(interactions).values()) {
    const steps = sessionSteps(stream, { index, sessionGapMs: options.sessionGapMs });
    steps.forEach((step, position) => {
      const weight = timeWeight(step.timeMs);
      occurrences[step.item] = (occurrences[step.item] ?? 0) + weight;
      const first = Math.max(0, position - (options.window ?? 5));
      for (let earlier = position - 1; earlier >= first; earlier -= 1) {
        const other = steps[earlier];
        if (other === undefined || other.session !== step.session) break;
        if (other.item === step.item) continue;
        const share = weight / (position - earlier);
        addPair(pairs, { from: step.item, to: other.item, share });
        addPair(pairs, { from: other.item, to: step.item, share });
      }
    });
  }
  return { pairs, occurrences };
}

interface Step {
  item: number;
  timeMs: number;
  session: number;
}

/** A user's stream as item indices with consecutive repeats collapsed and a session number per step. */
function sessionSteps(
  stream: readonly Interaction[],
  context: { index: ItemIndex; sessionGapMs: number | undefined },
): Step[] {
  const gap = context.sessionGapMs ?? Number.POSITIVE_INFINITY;
  const steps: Step[] = [];
  let session = 0;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const interaction of stream) {
    const item = context.index.indexOf(interaction.itemId);
    if (item === undefined) continue;
    if (interaction.timeMs - lastMs > gap) session += 1;
    lastMs = interaction.timeMs;
    const previous = steps.at(-1);
    if (previous !== undefined && previous.item === item && previous.session === session) continue;
    steps.push({ item, timeMs: interaction.timeMs, session });
  }
  return steps;
}

function addPair(
  pairs: Array<Map<number, number>>,
  pair: { from: number; to: number; share: number },
): void {
  const row = pairs[pair.from];
  if (row !== undefined) row.set(pair.to, (row.get(pair.to) ?? 0) + pair.share);
}

function topNeighbours(
  input: { pairs: ReadonlyMap<number, number>; occurrences: Float64Array; item: number },
  limit: number,
): NeighbourList {
  const own = input.occurrences[input.item] ?? 0;
  const scored: Array<[number, number]> = [];
  for (const [other, count] of input.pairs) {
    const norm = Math.sqrt(own * (input.occurrences[other] ?? 0));
    if (norm > 0) scored.push([other, count / norm]);
  }
  scored.sort((left, right) => right[1] - left[1] || left[0] - right[0]);
  const kept = scored.slice(0, limit);
  return {
    items: Int32Array.from(kept, ([other]) => other),
    similarities: Float32Array.from(kept, ([, similarity]) => similarity),
  };
}
