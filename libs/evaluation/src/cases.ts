/**
 * Offline evaluation cases from a time-ordered interaction stream: one case per test interaction, with
 * the user's item history as it was visible just before it (most recent last). Interactions at the same
 * instant as the target are never in its history, so a multi-line order cannot leak its own lines.
 */
import type { Interaction, InteractionBehaviour } from './interactions';
import { stableHash } from './random';

export interface EvaluationCase {
  readonly userKey: string;
  /** Item ids before the target, most recent last, at most `historyLength`. */
  readonly history: readonly string[];
  readonly target: string;
  /** The target, then the user's next distinct items in the window (multi-target metrics). */
  readonly targets: readonly string[];
  readonly timeMs: number;
}

export interface CaseOptions {
  /** First instant whose interactions become cases (the split's cut). */
  fromMs: number;
  /** Instant from which interactions are neither cases nor history. @default +∞ */
  untilMs?: number;
  /** Which interactions are targets: every item interaction, or purchases only. @default "all" */
  targets?: 'all' | 'purchases';
  /** Items kept in a case's history. @default 50 */
  historyLength?: number;
  /**
   * Collapse consecutive repeats in histories and skip cases whose target is the item the user has just
   * touched (a cart after a view of the same item is not a recommendation). @default true
   */
  dropRepeats?: boolean;
  /** Cases need at least this many history items. @default 1 */
  minHistory?: number;
  /** Keep at most this many cases, chosen by a seeded hash (deterministic, order independent). */
  maxCases?: number;
  /** @default 1 */
  seed?: number;
  /** Only interactions with an item of this set become cases (e.g. the catalogue a model knows). */
  targetsIn?: { has(itemId: string): boolean };
  /** Extra later targets per case for the multi-target metrics. @default 0 */
  futureTargets?: number;
}

const TARGET_BEHAVIOURS: Record<'all' | 'purchases', ReadonlySet<InteractionBehaviour>> = {
  all: new Set(['view', 'cart', 'purchase', 'rating', 'review', 'click', 'share']),
  purchases: new Set(['purchase']),
};

interface Draft {
  userKey: string;
  history: string[];
  target: string;
  timeMs: number;
  /** Position in the user's in-window stream, for the future targets. */
  position: number;
}

export function buildEvaluationCases(
  interactions: readonly Interaction[],
  options: CaseOptions,
): EvaluationCase[] {
  const drafts = draftCases(interactions, options);
  const kept = sampleDrafts(drafts, options);
  return withFutureTargets(kept, { interactions, options });
}

function draftCases(interactions: readonly Interaction[], options: CaseOptions): Draft[] {
  const untilMs = options.untilMs ?? Number.POSITIVE_INFINITY;
  const histories = new Map<string, string[]>();
  const positions = new Map<string, number>();
  const drafts: Draft[] = [];
  for (const group of sameInstantGroups(interactions)) {
    const timeMs = group[0]?.timeMs ?? untilMs;
    if (timeMs >= untilMs) break;
    // Every case of an instant is drafted before any interaction of that instant joins a history.
    if (timeMs >= options.fromMs)
      drafts.push(...groupCases({ group, histories, positions, options }));
    for (const interaction of group) appendHistory(histories, interaction, options);
  }
  return drafts;
}

/** Runs of interactions that share one instant, in stream order. */
function* sameInstantGroups(interactions: readonly Interaction[]): Generator<Interaction[]> {
  let start = 0;
  while (start < interactions.length) {
    const timeMs = interactions[start]?.timeMs;
    let end = start + 1;
    while (end < interactions.length && interactions[end]?.timeMs === timeMs) end += 1;
    yield interactions.slice(start, end);
    start = end;
  }
}

function groupCases(input: {
  group: readonly Interaction[];
  histories: ReadonlyMap<string, string[]>;
  positions: Map<string, number>;
  options: CaseOptions;
}): Draft[] {
  const { group, histories, positions, options } = input;
  const drafts: Draft[] = [];
  const taken = new Set<string>();
  for (const interaction of group) {
    const position = positions.get(interaction.userKey) ?? 0;
    positions.set(interaction.userKey, position + 1);
    const key = `${interaction.userKey}\u0000${interaction.itemId}`;
    const history = histories.get(interaction.userKey) ?? [];
    if (taken.has(key) || !isTarget({ interaction, history, options })) continue;
    taken.add(key);
    drafts.push({
      userKey: interaction.userKey,
      history: history.slice(-(options.historyLength ?? 50)),
      target: interaction.itemId,
      timeMs: interaction.timeMs,
      position,
    });
  }
  return drafts;
}

function isTarget(input: {
  interaction: Interaction;
  history: readonly string[];
  options: CaseOptions;
}): boolean {
  const { interaction, history, options } = input;
  if (!TARGET_BEHAVIOURS[options.targets ?? 'all'].has(interaction.behaviour)) return false;
  if (history.length < (options.minHistory ?? 1)) return false;
  if (options.targetsIn?.has(interaction.itemId) === false) return false;
  return !((options.dropRepeats ?? true) && history.at(-1) === interaction.itemId);
}

function appendHistory(
  histories: Map<string, string[]>,
  interaction: Interaction,
  options: CaseOptions,
): void {
  let history = histories.get(interaction.userKey);
  if (history === undefined) {
    history = [];
    histories.set(interaction.userKey, history);
  }
  if ((options.dropRepeats ?? true) && history.at(-1) === interaction.itemId) return;
  history.push(interaction.itemId);
  // Amortised trim: keep the array from growing without bound on very long histories.
  const limit = options.historyLength ?? 50;
  if (history.length > 4 * limit) history.splice(0, history.length - limit);
}

function sampleDrafts(drafts: Draft[], options: CaseOptions): Draft[] {
  const maxCases = options.maxCases ?? Number.POSITIVE_INFINITY;
  if (drafts.length <= maxCases) return drafts;
  const seed = options.seed ?? 1;
  const keyed = drafts.map((draft, index) => ({
    index,
    key: stableHash(`${draft.userKey}|${draft.timeMs}|${draft.target}`, seed),
  }));
  keyed.sort((left, right) => left.key - right.key || left.index - right.index);
  const chosen = keyed.slice(0, maxCases).map((entry) => entry.index);
  chosen.sort((left, right) => left - right);
  return chosen.map((index) => drafts[index] as Draft);
}

function withFutureTargets(
  drafts: readonly Draft[],
  context: { interactions: readonly Interaction[]; options: CaseOptions },
): EvaluationCase[] {
  const extra = context.options.futureTargets ?? 0;
  const streams: ReadonlyMap<string, readonly string[]> =
    extra > 0 ? userStreams(context.interactions, context.options) : new Map();
  return drafts.map((draft) => {
    const targets = [draft.target];
    const stream = streams.get(draft.userKey) ?? [];
    for (
      let next = draft.position + 1;
      next < stream.length && targets.length <= extra;
      next += 1
    ) {
      const itemId = stream[next] as string;
      if (!targets.includes(itemId)) targets.push(itemId);
    }
    const { position: _position, ...rest } = draft;
    return { ...rest, targets };
  });
}

/** Each user's in-window item ids, in the order `groupCases` counts positions. */
function userStreams(
  interactions: readonly Interaction[],
  options: CaseOptions,
): Map<string, string[]> {
  const untilMs = options.untilMs ?? Number.POSITIVE_INFINITY;
  const streams = new Map<string, string[]>();
  for (const interaction of interactions) {
    if (interaction.timeMs >= untilMs) break;
    if (interaction.timeMs < options.fromMs) continue;
    const stream = streams.get(interaction.userKey);
    if (stream === undefined) streams.set(interaction.userKey, [interaction.itemId]);
    else stream.push(interaction.itemId);
  }
  return streams;
}
