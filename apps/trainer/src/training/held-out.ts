/**
 * How a model is judged on the held-out period: AUC and log loss over every labelled example, and
 * sampled ranking metrics per labelled event (its positive among the negatives recorded with it — the
 * impression's unclicked items or sampled popular items), so champion, challenger and baselines are
 * compared on exactly the same examples.
 */
import type { TrainingExample } from '@recsys/contracts';
import { auc, logLoss, meanOf, metricsAtRank, type Label } from '@recsys/evaluation';

export interface HeldOutMetrics {
  auc: number;
  logLoss: number;
  /** Ranking metrics of each event's positive among that event's examples. */
  'hr@10': number;
  'ndcg@10': number;
  'mrr@10': number;
  examples: number;
  rankedEvents: number;
}

/** Examples of one labelled event share the user and the instant. */
function eventGroups(examples: readonly TrainingExample[]): number[][] {
  const groups = new Map<string, number[]>();
  examples.forEach((example, index) => {
    const key = `${example.userKey}|${example.occurredAt}`;
    const group = groups.get(key) ?? [];
    group.push(index);
    groups.set(key, group);
  });
  return [...groups.values()];
}

function rankingOver(
  examples: readonly TrainingExample[],
  scores: ArrayLike<number>,
): { hr: number[]; ndcg: number[]; mrr: number[] } {
  const hr: number[] = [];
  const ndcg: number[] = [];
  const mrr: number[] = [];
  for (const group of eventGroups(examples)) {
    const positives = group.filter((index) => examples[index]?.label === 1);
    if (positives.length === 0 || positives.length === group.length) continue;
    for (const positive of positives) {
      const own = scores[positive] ?? 0;
      // Pessimistic on ties: a negative scored equal to the positive ranks ahead of it.
      const ahead = group.filter(
        (index) => examples[index]?.label === 0 && (scores[index] ?? 0) >= own,
      ).length;
      const metrics = metricsAtRank(ahead + 1, 10);
      hr.push(metrics.hitRate);
      ndcg.push(metrics.ndcg);
      mrr.push(metrics.reciprocalRank);
    }
  }
  return { hr, ndcg, mrr };
}

export function heldOutMetrics(
  examples: readonly TrainingExample[],
  scores: ArrayLike<number>,
): HeldOutMetrics {
  const labels: Label[] = examples.map((example) => example.label);
  const ranking = rankingOver(examples, scores);
  return {
    auc: auc(scores, labels),
    logLoss: logLoss(scores, labels),
    'hr@10': meanOf(ranking.hr),
    'ndcg@10': meanOf(ranking.ndcg),
    'mrr@10': meanOf(ranking.mrr),
    examples: examples.length,
    rankedEvents: ranking.hr.length,
  };
}

/**
 * The popularity baseline on the same examples: the item's total views before the event (a feature
 * every example carries), squashed into (0, 1) so log loss is defined.
 */
export function popularityScores(examples: readonly TrainingExample[]): Float32Array {
  return Float32Array.from(examples, (example) => {
    const views = example.features['item.views_total'] ?? 0;
    const purchases = example.features['item.purchases_total'] ?? 0;
    return 1 - Math.exp(-(views + 3 * purchases) / 10);
  });
}
