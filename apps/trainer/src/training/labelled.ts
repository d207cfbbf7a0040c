/** A training example as the model library trains on it. */
import type { TrainingExample } from '@recsys/contracts';
import type { LabelledExample } from '@recsys/model';

export function toLabelled(example: TrainingExample): LabelledExample {
  return {
    sequence: example.sequence,
    itemId: example.itemId,
    features: example.features,
    label: example.label,
    occurredAtMs: Date.parse(example.occurredAt),
  };
}
