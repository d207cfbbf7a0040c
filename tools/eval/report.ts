/** The results as a console table, JSON files and the Markdown summary `docs/eval/README.md`. */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MeanInterval } from '@recsys/evaluation';
import { PROTOCOL, type DatasetResult, type ModelResult } from './experiment';
import { NEURAL_DEFAULTS } from './neural';
import { sharedDatasets } from './shared-datasets';

const fixed = (value: number | null, digits = 4): string =>
  value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits);

const withHalfWidth = (interval: MeanInterval): string =>
  `${fixed(interval.mean)} ±${fixed((interval.upper - interval.lower) / 2)}`;

const COLUMNS = [
  'model',
  'HR@10',
  'NDCG@10',
  'MRR@10',
  'AUC',
  'LogLoss (cal.)',
  'train s',
] as const;

function rowOf(model: ModelResult): string[] {
  return [
    model.name,
    withHalfWidth(model.hitRate),
    withHalfWidth(model.ndcg),
    withHalfWidth(model.mrr),
    fixed(model.auc),
    fixed(model.logLossCalibrated),
    model.trainSeconds.toFixed(1),
  ];
}

export function consoleTable(result: DatasetResult): string {
  const rows = [[...COLUMNS], ...result.models.map(rowOf)];
  const widths = COLUMNS.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const lines = rows.map((row) =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '),
  );
  const verdict = verdictLine(result);
  return [
    `\n${result.dataset} (${result.data.cases} cases, catalogue ${result.data.catalogueSize}, ${result.runSeconds.toFixed(0)} s)`,
    ...lines,
    verdict,
    '',
  ].join('\n');
}

function verdictLine(result: DatasetResult): string {
  const { verdict } = result;
  if (verdict.modelNdcg === null) return `best baseline: ${verdict.bestBaseline}`;
  const ratio = verdict.modelNdcg / verdict.bestBaselineNdcg;
  const word = verdict.modelMeetsTarget === true ? 'MEETS' : 'MISSES';
  return `model ${word} the target: NDCG@10 ${fixed(verdict.modelNdcg)} vs best baseline ${verdict.bestBaseline} ${fixed(verdict.bestBaselineNdcg)} (×${fixed(ratio, 2)})`;
}

/** Formats a generated file's text (the CLI passes Prettier); receives the file's path for its settings. */
export type FormatFile = (text: string, path: string) => Promise<string>;

const unchanged: FormatFile = async (text) => text;

async function writeFormatted(path: string, text: string, format: FormatFile): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await writeFile(path, await format(text, path));
}

export async function writeJson(
  path: string,
  value: unknown,
  format: FormatFile = unchanged,
): Promise<void> {
  await writeFormatted(path, `${JSON.stringify(value, null, 2)}\n`, format);
}

/** Rewrites README.md from every result JSON in the directory (so single-dataset runs accumulate). */
export async function writeReadme(docsDir: string, format: FormatFile = unchanged): Promise<void> {
  const results = readdirSync(docsDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(docsDir, name), 'utf8')) as DatasetResult)
    .filter((result) => Array.isArray(result.models));
  const order = sharedDatasets.map((dataset) => dataset.name);
  const rank = (name: string): number =>
    order.includes(name) ? order.indexOf(name) : order.length;
  results.sort(
    (left, right) =>
      rank(left.dataset) - rank(right.dataset) || left.dataset.localeCompare(right.dataset),
  );
  const sections = results.map(markdownSection);
  await writeFormatted(
    join(docsDir, 'README.md'),
    `${[PROTOCOL_TEXT, summaryTable(results), ...sections].join('\n')}\n`,
    format,
  );
}

const D = NEURAL_DEFAULTS;

const PROTOCOL_TEXT = `# Offline evaluation

Produced by \`npm run eval -- --dataset all\` (tools/eval over libs/evaluation; \`--dataset <name>\` reruns
one and this file is rebuilt from every JSON here). One JSON per dataset beside this file holds every
figure, interval and setting. Regenerate, do not edit.

## Protocol

- **Split by time.** Item interactions (views, carts, purchases, ratings, reviews) in time order; the first
  80 % of events train, the last 20 % test. Every model and feature is fitted on the training period only.
- **Cases.** Each test interaction is a case: the user's items strictly before its instant (last 50,
  consecutive repeats collapsed; same-instant events excluded, so an order's lines cannot see each other)
  predict the item. A case whose target is the item just touched is skipped and that item is never
  recommended; cases need ≥ 1 history item. At most \`--max-cases\` cases (default 2,000), a seeded sample.
  Histories include earlier test-period events (visible at that time); models are not refitted.
- **Full ranking over the catalogue** (every item seen in training). Baselines rank it themselves. The
  sequence model orders ${PROTOCOL.candidates} candidates — co-visitation neighbours of the recent items, at least
  ${PROTOCOL.minPopularCandidates} popular items — and the rest of the catalogue follows by popularity, as served. Targets outside the
  catalogue (new items) are misses for every model.
- **Metrics.** HR@10, NDCG@10, MRR@10 averaged over cases, ± the half-width of a normal 95 % interval.
  AUC and log loss on the same held-out pairs for every model: each case's target (when it is in the
  catalogue) against ${PROTOCOL.heldOutNegatives} sampled items the user had not touched (half popularity-weighted, half uniform). "LogLoss (cal.)" is after Platt
  scaling of each model's score ranks, cross-fitted on two halves of the cases, so models whose scores
  are not probabilities compare; the sequence model's raw log loss is in the JSON.
- **Baselines.** Popularity (training counts weighted view 1 / cart 3 / purchase 5), recent popularity
  (half-life a tenth of the training span), co-visitation item-kNN (pairs within 5 steps of a user's
  stream weighted 1/distance, cosine-normalised, top 100 neighbours, the 10 most recent history items vote
  with weight 0.6^i, popularity fallback), implicit ALS (32 factors, 10 sweeps with 3 CG steps, α 20,
  λ 0.1; users folded in from the history with recency weight 0.8^i).
- **Sequence model** (libs/model): item embedding ${D.embeddingDim}, last ${D.sequenceLength} items, encoder as listed, MLP
  ${D.hiddenUnits.join('-')}, Adam ${D.learningRate}, batch ≤ ${D.batchSize} (smaller for small example sets, at least ${D.minSteps} steps),
  early stopping (patience ${D.patience}) on the latest ${D.validationShare * 100} % of its examples; below ${D.smallExampleSet} examples an ensemble of
  ${D.smallEnsemble} seeds is averaged. Training examples: the training period is cut into ${D.labelBlocks + 1} time blocks; the next
  items of block i are positives whose features, co-visitation and popularity come from blocks < i only
  (no example sees its own outcome), each with ${D.negativesPerPositive} negatives (half from the candidate generator's list —
  earlier history items included, as served — half popularity-weighted/uniform); positives the feature
  period never saw are dropped. At most \`--max-examples\` examples (default 60,000).
- **Features** — the offline subset of the serving features (names as served): \`item.views_total\`,
  \`item.carts_total\`, \`item.purchases_total\`, \`item.trend\`, \`cross.seen_recently\`,
  \`cross.category_affinity\`, \`cross.top_category_affinity\`; plus two co-visitation scores the
  serving path has as candidate evidence, not yet as features: \`cross.covis_score\` (the history's vote)
  and \`cross.covis_last\` (similarity to the last item).
- **Selection.** With \`--folds N > 1\` the encoder/epochs are chosen by time-blocked expanding-window
  folds inside the training period (fold i trains on blocks < i, validates on block i).
- **Target** (docs/targets.md): the model's NDCG@10 ≥ the best baseline's on every dataset.
`;

function summaryTable(results: readonly DatasetResult[]): string {
  const lines = [
    '## Summary (NDCG@10)',
    '',
    '| dataset | sequence model | best baseline | ratio | target met |',
    '|---|---|---|---|---|',
  ];
  for (const result of results) {
    const { verdict } = result;
    const ratio = verdict.modelNdcg === null ? null : verdict.modelNdcg / verdict.bestBaselineNdcg;
    const met =
      verdict.modelMeetsTarget === null ? '-' : verdict.modelMeetsTarget ? 'yes' : '**no**';
    lines.push(
      `| ${result.dataset} | ${fixed(verdict.modelNdcg)} | ${verdict.bestBaseline} ${fixed(verdict.bestBaselineNdcg)} | ${fixed(ratio, 2)} | ${met} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function markdownSection(result: DatasetResult): string {
  const { data } = result;
  const header = `| ${COLUMNS.join(' | ')} | eval s |\n|${COLUMNS.map(() => '---').join('|')}|---|`;
  const rows = result.models.map(
    (model) => `| ${rowOf(model).join(' | ')} | ${model.evaluateSeconds.toFixed(1)} |`,
  );
  const neural = result.models.find((model) => model.training !== undefined);
  const training =
    neural?.training === undefined
      ? []
      : [
          `Sequence model: ${neural.training.examples} training examples, ${neural.training.epochsRun}/${neural.training.epochsAsked} epochs (${neural.training.stopReason}), batch ${neural.training.batchSize}, ` +
            `${neural.training.ensemble > 1 ? `ensemble of ${neural.training.ensemble}, ` : ''}` +
            `${Math.round(neural.training.examplesPerSecond)} examples/s on ${neural.training.backend}, candidate recall ${fixed(neural.candidateRecall ?? null, 3)}.`,
        ];
  const selection =
    result.selection === undefined
      ? []
      : [
          `Selection (${result.selection.folds} time-blocked folds): ` +
            result.selection.settings
              .map(
                (entry) =>
                  `${entry.setting.encoder}×${entry.setting.epochs} ${fixed(entry.meanNdcg)}`,
              )
              .join(', ') +
            ` → ${result.selection.best.encoder}×${result.selection.best.epochs}.`,
        ];
  return [
    `## ${result.dataset}`,
    '',
    `${data.interactions} interactions (${data.trainInteractions} train / ${data.testInteractions} test, cut ${data.cutAt}), ` +
      `${data.users} users, catalogue ${data.catalogueSize}, ${data.cases} cases (${data.casesWithKnownTarget} with a target in the catalogue: the HR ceiling), ` +
      `${data.heldOutPairs} held-out pairs, run ${result.runSeconds.toFixed(0)} s.`,
    ...result.notes.map((note) => `- ${note}`),
    '',
    header,
    ...rows,
    '',
    verdictLine(result),
    ...training,
    ...selection,
    '',
  ].join('\n');
}
