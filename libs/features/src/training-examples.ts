/**
 * Point-in-time training examples. The feature store captures the user's and the items' state just
 * BEFORE it applies a labelled event (`Snapshot`); features are computed from that state at the event's
 * own timestamp, so no example can see its own outcome or anything after it.
 *
 * Compact (contract `training_examples` v2): one record per labelled event, the user-and-context part of
 * the vector once per record and each item's part as a numeric array in `trainingFeatureOrder`; many
 * records per message.
 */
import {
  MAX_TRAINING_RECORDS_PER_MESSAGE,
  sourceBatchId,
  type SourceStretch,
  type StorefrontEvent,
  type TrainingExamplesV2,
  type TrainingRecord,
} from '@recsys/contracts';
import { contextOf } from './context-features';
import { FEATURE_SPEC_VERSION, featureLimits, type Behaviour } from './feature-spec';
import { prepareRequestFeatures, trainingFeatureOrder, valuesInOrder } from './feature-vector';
import { decodeItemFeatures } from './item-features';
import type { StoredHash } from './stored-features';
import type { UpdatePlan } from './update-plan';
import { decodeUserFeatures, type StoredUser } from './user-features';

export interface FeatureSnapshot {
  user: StoredUser;
  items: Array<{ itemId: string; stored: StoredHash }>;
  /** Negatives: the other items of a clicked impression (shown but not clicked), else sampled popular items. */
  negatives: Array<{ itemId: string; stored: StoredHash }>;
}

const OUTCOME_OF: Partial<Record<Behaviour, TrainingRecord['outcome']>> = {
  view: 'click',
  click: 'click',
  cart: 'add_to_cart',
  purchase: 'purchase',
};

export interface TrainingRecordInputs {
  event: StorefrontEvent;
  plan: UpdatePlan;
  snapshot: FeatureSnapshot;
}

/** The labelled event's record, or undefined for an event that is not an outcome. */
export function trainingRecordOf({
  event,
  plan,
  snapshot,
}: TrainingRecordInputs): TrainingRecord | undefined {
  const outcome = OUTCOME_OF[plan.behaviour];
  if (outcome === undefined) return undefined;
  const user = decodeUserFeatures(snapshot.user, plan.timestampMs);
  const context = contextOf(event);
  const request = prepareRequestFeatures({
    user,
    userCategories: snapshot.user.categoryAffinity,
    context,
  });
  const itemValues = (itemId: string, stored: StoredHash) =>
    valuesInOrder(
      request.itemPartOf(decodeItemFeatures(itemId, stored, plan.timestampMs)),
      trainingFeatureOrder.item,
    );
  return {
    eventId: plan.eventId,
    userKey: plan.userKey,
    outcome,
    occurredAtMs: plan.timestampMs,
    context,
    sequence: snapshot.user.sequence.slice(0, featureLimits.sequenceLength).reverse(),
    shared: valuesInOrder(request.shared, trainingFeatureOrder.shared),
    items: [
      ...snapshot.items.map(({ itemId, stored }) => ({
        itemId,
        label: 1 as const,
        features: itemValues(itemId, stored),
      })),
      ...snapshot.negatives.map(({ itemId, stored }) => ({
        itemId,
        label: 0 as const,
        features: itemValues(itemId, stored),
      })),
    ],
  };
}

/**
 * The records of one batch of a source partition as messages of at most
 * MAX_TRAINING_RECORDS_PER_MESSAGE records, with the batch's ids (`sourceBatchId`).
 */
export function trainingExampleMessages(
  records: readonly TrainingRecord[],
  batch: SourceStretch & { qualityFlagged: boolean },
  writtenAt: Date,
): TrainingExamplesV2[] {
  const messages: TrainingExamplesV2[] = [];
  for (let start = 0; start < records.length; start += MAX_TRAINING_RECORDS_PER_MESSAGE) {
    messages.push({
      schemaVersion: 2,
      batchId: sourceBatchId(batch, messages.length),
      featureSpecVersion: FEATURE_SPEC_VERSION,
      sharedFeatures: [...trainingFeatureOrder.shared],
      itemFeatures: [...trainingFeatureOrder.item],
      qualityFlagged: batch.qualityFlagged,
      writtenAt: writtenAt.toISOString(),
      records: records.slice(start, start + MAX_TRAINING_RECORDS_PER_MESSAGE),
    });
  }
  return messages;
}
