/**
 * Copies what a trained ranker learnt into a fresh one built for a new vocabulary: embedding rows of
 * the items both vocabularies know (plus the padding and unknown rows), and every other weight whose
 * shape matches. New items keep their fresh random rows.
 */
import { tensor2d, type Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { RESERVED_ROWS, type ItemVocabulary } from '../vocabulary/item-vocabulary';
import { ITEM_EMBEDDING_LAYER } from './build-sequence-ranker';

interface VocabularyPair {
  from: ItemVocabulary;
  to: ItemVocabulary;
}

function remapEmbedding(source: Tensor, target: Tensor, vocabularies: VocabularyPair): Tensor {
  const width = target.shape[1] ?? 0;
  const sourceRows = source.dataSync();
  const rows = Float32Array.from(target.dataSync());
  const copyRow = (fromRow: number, toRow: number): void => {
    rows.set(sourceRows.subarray(fromRow * width, (fromRow + 1) * width), toRow * width);
  };
  for (let row = 0; row < RESERVED_ROWS; row += 1) copyRow(row, row);
  vocabularies.to.ids().forEach((id, position) => {
    if (vocabularies.from.has(id)) copyRow(vocabularies.from.indexOf(id), position + RESERVED_ROWS);
  });
  return tensor2d(rows, [target.shape[0] ?? 0, width]);
}

function isEmbeddingWeight(model: LayersModel, index: number): boolean {
  const embedding = model.getLayer(ITEM_EMBEDDING_LAYER);
  return embedding.weights.some((weight) => weight === model.weights[index]);
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return (
    a.shape.length === b.shape.length && a.shape.every((extent, axis) => extent === b.shape[axis])
  );
}

/** Overwrites `to`'s weights with `from`'s where they carry over; returns how many were copied. */
export function transferWeights(
  models: { from: LayersModel; to: LayersModel },
  vocabularies: VocabularyPair,
): number {
  const sources = models.from.getWeights();
  const targets = models.to.getWeights();
  const created: Tensor[] = [];
  let copied = 0;
  const values = targets.map((target, index) => {
    const source = sources[index];
    if (source === undefined) return target;
    if (isEmbeddingWeight(models.to, index) && source.shape[1] === target.shape[1]) {
      const remapped = remapEmbedding(source, target, vocabularies);
      created.push(remapped);
      copied += 1;
      return remapped;
    }
    if (!sameShape(source, target)) return target;
    copied += 1;
    return source;
  });
  models.to.setWeights(values);
  for (const tensor of created) tensor.dispose();
  return copied;
}
