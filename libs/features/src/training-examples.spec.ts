import {
  MAX_TRAINING_RECORDS_PER_MESSAGE,
  expandTrainingExamples,
  trainingExamplesV2Schema,
  type StorefrontEvent,
  type TrainingRecord,
} from '@recsys/contracts';
import { contextOf } from './context-features';
import { FEATURE_SPEC_VERSION } from './feature-spec';
import { featureVectorOf, trainingFeatureOrder } from './feature-vector';
import { decodeItemFeatures } from './item-features';
import {
  trainingExampleMessages,
  trainingRecordOf,
  type FeatureSnapshot,
} from './training-examples';
import { updatePlanOf } from './update-plan';
import { decodeUserFeatures } from './user-features';

const AT = '2026-11-28T10:15:30.000Z';

function view(eventId: string, itemId: string): StorefrontEvent {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: 'uk-1',
    sessionId: 's-1',
    timestamp: AT,
    itemId,
    context: { device: { type: 'mobile' } },
  };
}

/** A user with history and two items with counts, as the store held them before the event. */
const snapshot: FeatureSnapshot = {
  user: {
    profile: {
      'n:view': '7',
      last: String(Date.parse(AT) - 3_600_000),
      price_n: '2',
      price_sum: '30',
    },
    categoryAffinity: { 'Garden > Tools': '3', Kitchen: '1' },
    brandAffinity: { Acme: '2' },
    sequence: ['sku-3', 'sku-2'],
  },
  items: [{ itemId: 'sku-1', stored: { 'n:view': '40', price: '12', cat: 'Garden > Tools' } }],
  negatives: [{ itemId: 'sku-9', stored: { 'n:view': '3', 'n:purchase': '1', brand: 'Acme' } }],
};

describe('training records', () => {
  it('carry exactly the vector serving computes, split into the shared and the item part', () => {
    const event = view('e-1', 'sku-1');
    const plan = updatePlanOf(event);
    const record = trainingRecordOf({ event, plan, snapshot })!;
    const expected = (itemId: string, stored: Record<string, string>) =>
      featureVectorOf({
        user: decodeUserFeatures(snapshot.user, plan.timestampMs),
        userCategories: snapshot.user.categoryAffinity,
        item: decodeItemFeatures(itemId, stored, plan.timestampMs),
        context: contextOf(event),
      });
    const [examplePositive, exampleNegative] = expandTrainingExamples(
      trainingExampleMessages([record], batch, new Date(AT))[0]!,
    );
    expect(examplePositive!.features).toEqual(expected('sku-1', snapshot.items[0]!.stored));
    expect(exampleNegative!.features).toEqual(expected('sku-9', snapshot.negatives[0]!.stored));
    expect([examplePositive!.label, exampleNegative!.label]).toEqual([1, 0]);
    expect(exampleNegative!.outcome).toBe('impression');
  });

  it('name every feature of the vector once, in one order for any input', () => {
    const names = [...trainingFeatureOrder.shared, ...trainingFeatureOrder.item];
    expect(new Set(names).size).toBe(names.length);
    const event = view('e-1', 'sku-1');
    const vector = featureVectorOf({
      user: decodeUserFeatures(snapshot.user, Date.parse(AT)),
      userCategories: snapshot.user.categoryAffinity,
      item: decodeItemFeatures('sku-1', snapshot.items[0]!.stored, Date.parse(AT)),
      context: contextOf(event),
    });
    expect([...names].sort()).toEqual(Object.keys(vector).sort());
  });

  it('are made for outcomes only, with the sequence most recent last', () => {
    const search: StorefrontEvent = {
      eventId: 'e-2',
      schemaVersion: 1,
      eventType: 'search',
      userId: 'uk-1',
      sessionId: 's-1',
      timestamp: AT,
      query: 'rake',
      resultItemIds: ['sku-1'],
      resultCount: 1,
    };
    expect(trainingRecordOf({ event: search, plan: updatePlanOf(search), snapshot })).toBe(
      undefined,
    );
    const event = view('e-1', 'sku-1');
    const record = trainingRecordOf({ event, plan: updatePlanOf(event), snapshot })!;
    expect(record).toMatchObject({ eventId: 'e-1', userKey: 'uk-1', outcome: 'click' });
    expect(record.sequence).toEqual(['sku-2', 'sku-3']);
  });
});

const batch = {
  source: 'events.raw.v1:3',
  firstOffset: 100n,
  lastOffset: 600n,
  qualityFlagged: true,
};

describe('trainingExampleMessages', () => {
  it('puts many records in a message, at most the contract’s limit, with ids from the batch', () => {
    const event = view('e-1', 'sku-1');
    const record = trainingRecordOf({ event, plan: updatePlanOf(event), snapshot })!;
    const records: TrainingRecord[] = Array.from(
      { length: MAX_TRAINING_RECORDS_PER_MESSAGE + 1 },
      (_, index) => ({ ...record, eventId: `e-${index}` }),
    );
    const messages = trainingExampleMessages(records, batch, new Date(AT));
    expect(messages.map((message) => [message.batchId, message.records.length])).toEqual([
      ['events.raw.v1:3:100-600/0', MAX_TRAINING_RECORDS_PER_MESSAGE],
      ['events.raw.v1:3:100-600/1', 1],
    ]);
    for (const message of messages) {
      expect(trainingExamplesV2Schema.safeParse(message).error?.issues).toBeUndefined();
      expect(message).toMatchObject({
        featureSpecVersion: FEATURE_SPEC_VERSION,
        qualityFlagged: true,
      });
    }
    // The same records always give the same ids: a message written again replaces, never adds.
    expect(trainingExampleMessages(records, batch, new Date()).map((m) => m.batchId)).toEqual(
      messages.map((m) => m.batchId),
    );
  });
});
