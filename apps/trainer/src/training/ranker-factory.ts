/**
 * A new challenger for a training window: its vocabulary comes from the window's training part, and
 * when a champion exists it is warm-started from it (the embedding rows of items both know and every
 * other weight whose shape matches), so a retrain refines rather than starts over.
 */
import type { TrainingExample } from '@recsys/contracts';
import { ItemVocabulary, SequenceRanker } from '@recsys/model';
import type { TrainingSettings } from '../config';

/** Feature names in a fixed order: the model's dense input layout. */
export function featureNamesOf(examples: readonly TrainingExample[]): string[] {
  const names = new Set<string>();
  for (const example of examples.slice(0, 1_000)) {
    for (const name of Object.keys(example.features)) names.add(name);
  }
  return [...names].sort();
}

function sameFeatures(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

export function newRanker(input: {
  train: readonly TrainingExample[];
  champion: SequenceRanker | undefined;
  settings: TrainingSettings;
}): SequenceRanker {
  const { train, champion, settings } = input;
  const vocabulary = ItemVocabulary.fromExamples(train, { maxSize: settings.vocabularySize });
  const featureNames = featureNamesOf(train);
  const championConfig = champion?.metadata?.config;
  if (
    champion !== undefined &&
    championConfig !== undefined &&
    championConfig.encoder === settings.encoder &&
    championConfig.sequenceLength === settings.sequenceLength &&
    sameFeatures(championConfig.featureNames, featureNames)
  ) {
    return champion.warmStart(vocabulary);
  }
  return SequenceRanker.create(
    {
      sequenceLength: settings.sequenceLength,
      embeddingDim: settings.embeddingDim,
      encoder: settings.encoder,
      hiddenUnits: [64, 32],
      learningRate: 0.003,
      featureNames,
    },
    vocabulary,
  );
}
