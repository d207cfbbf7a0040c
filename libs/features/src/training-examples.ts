/**
 * Point-in-time training examples. The feature store captures the user's and the items' state just
 * BEFORE it applies a labelled event (`Snapshot`); features are computed from that state at the event's
 * own timestamp, so no example can see its own outcome or anything after it.
 */
import type { StorefrontEvent, TrainingExampleV1 } from '@recsys/contracts';
import { contextOf } from './context-features';
import { FEATURE_SPEC_VERSION, featureLimits, type Behaviour } from './feature-spec';
import { prepareRequestFeatures } from './feature-vector';
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

const OUTCOME_OF: Partial<Record<Behaviour, TrainingExampleV1['outcome']>> = {
  view: 'click',
  click: 'click',
  cart: 'add_to_cart',
  purchase: 'purchase',
};

export interface TrainingExampleInputs {
  event: StorefrontEvent;
  plan: UpdatePlan;
  snapshot: FeatureSnapshot;
  qualityFlagged: boolean;
}

export function trainingExamplesOf({
  event,
  plan,
  snapshot,
  qualityFlagged,
}: TrainingExampleInputs): TrainingExampleV1[] {
  const outcome = OUTCOME_OF[plan.behaviour];
  if (outcome === undefined) return [];
  const user = decodeUserFeatures(snapshot.user, plan.timestampMs);
  const context = contextOf(event);
  // The user and context parts are the same for every example of this event: compute them once.
  const request = prepareRequestFeatures({
    user,
    userCategories: snapshot.user.categoryAffinity,
    context,
  });
  const sequence = [...snapshot.user.sequence].slice(0, featureLimits.sequenceLength).reverse();
  const example = (itemId: string, stored: StoredHash, label: 0 | 1): TrainingExampleV1 => ({
    schemaVersion: 1,
    exampleId: `${plan.eventId}:${itemId}:${label}`.slice(0, 128),
    userKey: plan.userKey,
    itemId,
    outcome: label === 1 ? outcome : 'impression',
    label,
    sequence,
    features: request.vectorFor(decodeItemFeatures(itemId, stored, plan.timestampMs)),
    context,
    featureSpecVersion: FEATURE_SPEC_VERSION,
    occurredAt: new Date(plan.timestampMs).toISOString(),
    qualityFlagged,
  });
  return [
    ...snapshot.items.map((item) => example(item.itemId, item.stored, 1)),
    ...snapshot.negatives.map((item) => example(item.itemId, item.stored, 0)),
  ];
}
