/**
 * A small learnable ranking task for specs and benchmarks: each user prefers one of four item
 * categories; a candidate of that category is usually positive, and popularity (a feature on a raw
 * scale around 100, to exercise normalisation) helps a little. Deterministic for a seed.
 */
import type { LabelledExample } from '../ranker/examples';
import { seededRandom } from '../random';

export interface SyntheticOptions {
  examples: number;
  items: number;
  maxSequenceLength: number;
  seed: number;
}

const CATEGORIES = 4;

export const syntheticFeatureNames = ['popularity', 'noise'];

export function itemIdOf(index: number): string {
  return `item-${index}`;
}

function categoryOf(itemIndex: number): number {
  return itemIndex % CATEGORIES;
}

export function syntheticExamples(options: SyntheticOptions): LabelledExample[] {
  const random = seededRandom(options.seed);
  const itemOfCategory = (category: number): number =>
    category + CATEGORIES * random.below(Math.floor(options.items / CATEGORIES));
  return Array.from({ length: options.examples }, (_, row) => {
    const preferred = random.below(CATEGORIES);
    const length = random.below(options.maxSequenceLength + 1);
    const sequence = Array.from({ length }, () =>
      itemIdOf(random.next() < 0.8 ? itemOfCategory(preferred) : random.below(options.items)),
    );
    const candidate = random.below(options.items);
    const popularity = 100 + 30 * random.normal();
    const affinity = categoryOf(candidate) === preferred ? 2.5 : -2.5;
    const probability = 1 / (1 + Math.exp(-(affinity + 0.03 * (popularity - 100))));
    return {
      sequence,
      itemId: itemIdOf(candidate),
      features: { popularity, noise: random.normal() },
      label: random.next() < probability ? 1 : 0,
      occurredAtMs: 1_700_000_000_000 + row * 1_000,
    };
  });
}
