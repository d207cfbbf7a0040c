/** A training example as the model library trains on it. */
import type { TrainingExampleV1 } from '@recsys/contracts';
import type { LabelledExample } from '@recsys/model';

export function toLabelled(example: TrainingExampleV1): LabelledExample {
  return {
    sequence: example.sequence,
    itemId: example.itemId,
    features: example.features,
    label: example.label,
    occurredAtMs: Date.parse(example.occurredAt),
  };
}
