import {
  expandTrainingExamples,
  featuresUpdatedV2Schema,
  trainingExamplesV2Schema,
  type FeaturesUpdatedV2,
  type StorefrontEvent,
} from '@recsys/contracts';
import type { ApplyOutcome, EventBatch } from '@recsys/feature-store';
import { defaultQualityThresholds, type QualityCounts, type StoredHash } from '@recsys/features';
import type { OutgoingMessage, RawMessage } from '@recsys/kafka';
import {
  ProcessEventsUseCase,
  type FeatureStorePort,
  type FeatureWriterPort,
  type PreprocessorPublisher,
} from './process-events.usecase';

const NOW = Date.parse('2026-11-28T12:00:00Z');

/** Applied, with the state from before the event: a labelled event gives a record. */
const appliedWithSnapshot: ApplyOutcome = {
  status: 'applied',
  unknownItem: false,
  snapshot: {
    user: { profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [] },
    items: [{ itemId: 'sku-1', stored: {} }],
    negatives: [{ itemId: 'sku-9', stored: {} }],
  },
};

function view(eventId: string, atMs: number, itemId = 'sku-1'): StorefrontEvent {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: 'u_1',
    sessionId: 's',
    timestamp: new Date(atMs).toISOString(),
    receivedAt: new Date(NOW).toISOString(),
    itemId,
  };
}

function message(offset: number, value: unknown): RawMessage {
  return {
    topic: 'events.raw.v1',
    partition: 0,
    offset: String(offset),
    key: 'u_1',
    value: typeof value === 'string' ? value : JSON.stringify(value),
    headers: {},
    timestamp: NOW,
  };
}

class FakeStore implements FeatureStorePort, FeatureWriterPort {
  readonly batches: EventBatch[] = [];
  stored: string | undefined;
  window: QualityCounts = { total: 0, invalid: 0, duplicate: 0, late: 0, unknown_item: 0 };
  catalogue = new Map<string, StoredHash>();
  /** Outcomes the next apply returns, by event id (else `applied`). */
  outcomes = new Map<string, ApplyOutcome>();
  applied: ApplyOutcome = { status: 'applied', unknownItem: false };
  /** Batches whose writes were flushed (after `beforeFlush` returned). */
  readonly flushed: EventBatch[] = [];

  async apply(
    batch: EventBatch,
    options: { beforeFlush?: (outcomes: readonly ApplyOutcome[]) => Promise<void> } = {},
  ): Promise<ApplyOutcome[]> {
    this.batches.push(batch);
    const outcomes = batch.events.map(
      ({ plan }) => this.outcomes.get(plan.eventId) ?? this.applied,
    );
    await options.beforeFlush?.(outcomes);
    this.flushed.push(batch);
    return outcomes;
  }
  async qualityWindow(): Promise<QualityCounts> {
    return this.window;
  }
  async readItems(itemIds: readonly string[]): Promise<Map<string, StoredHash>> {
    return new Map(itemIds.map((itemId) => [itemId, this.catalogue.get(itemId) ?? {}]));
  }
  async storedOffset(): Promise<string | undefined> {
    return this.stored;
  }
}

class RecordingPublisher implements PreprocessorPublisher {
  readonly sent: Array<{ topic: string; messages: OutgoingMessage<never>[] }> = [];
  /** Topics whose publish fails (a broker down). */
  readonly failing = new Set<string>();
  async publish(topic: string, messages: OutgoingMessage<never>[]): Promise<void> {
    if (this.failing.has(topic)) throw new Error(`${topic} unavailable`);
    this.sent.push({ topic, messages });
  }
  topics(): string[] {
    return this.sent.filter((entry) => entry.messages.length > 0).map((entry) => entry.topic);
  }
}

function setup(overrides: { requireKnownItems?: boolean; trainingExamples?: boolean } = {}) {
  const store = new FakeStore();
  const publisher = new RecordingPublisher();
  const useCase = new ProcessEventsUseCase({
    store,
    writer: store,
    publisher,
    settings: {
      service: 'preprocessor',
      groupId: 'preprocessor',
      checks: { maxFutureSkewMs: 300_000, maxAgeMs: 30 * 86_400_000 },
      requireKnownItems: overrides.requireKnownItems ?? false,
      lateAfterMs: 600_000,
      quality: { windowMs: 60_000, thresholds: defaultQualityThresholds },
      featureFormatVersion: 1,
      trainingExamples: overrides.trainingExamples ?? true,
    },
    now: () => NOW,
  });
  return { store, publisher, useCase };
}

describe('ProcessEventsUseCase', () => {
  it('applies valid events with their offsets, the batch’s last offset and the window counts in one batch', async () => {
    const { store, useCase } = setup();
    const summary = await useCase.execute([
      message(5, view('a', NOW - 1000)),
      message(6, 'not json'),
      message(7, view('b', NOW - 500)),
    ]);
    expect(store.batches).toHaveLength(1);
    const batch = store.batches[0]!;
    expect(batch.events.map((entry) => [entry.plan.eventId, entry.offset])).toEqual([
      ['a', 5n],
      ['b', 7n],
    ]);
    expect(batch).toMatchObject({
      source: 'events.raw.v1:0',
      lastOffset: 7n,
      quality: { windowStartMs: NOW - (NOW % 60_000), counts: { total: 3, invalid: 1, late: 0 } },
    });
    expect(summary).toMatchObject({ applied: 2, deadLetters: [{ reason: 'malformed_json' }] });
  });

  it('dead-letters before applying, so a crash in between can only repeat a dead letter, never lose one', async () => {
    const { publisher, useCase } = setup();
    await useCase.execute([message(1, 'not json'), message(2, view('a', NOW))]);
    expect(publisher.topics()).toEqual(['events.dlq.v1', 'features.updated.v2']);
  });

  it('skips messages at or below the stored offset of their partition (redelivery after a crash)', async () => {
    const { store, useCase } = setup();
    store.stored = '6';
    const summary = await useCase.execute([
      message(5, view('a', NOW)),
      message(6, view('b', NOW)),
      message(7, view('c', NOW)),
    ]);
    expect(store.batches[0]!.events.map((entry) => entry.plan.eventId)).toEqual(['c']);
    expect(summary.skippedAsProcessed).toBe(2);
  });

  it('counts events the writer found already applied (at or below their user’s offset) as redelivered', async () => {
    const { store, publisher, useCase } = setup();
    store.outcomes.set('a', { status: 'already_applied' });
    const summary = await useCase.execute([message(5, view('a', NOW)), message(6, view('b', NOW))]);
    expect(summary).toMatchObject({ applied: 1, skippedAsProcessed: 1, duplicates: 0 });
    const notices = publisher.sent.find((entry) => entry.topic === 'features.updated.v2');
    expect(
      notices?.messages.map((entry) => (entry.value as FeaturesUpdatedV2).events),
    ).toMatchObject([[{ eventId: 'b' }]]);
  });

  it('sends one notice per batch, naming each changed user and item once', async () => {
    const { publisher, useCase } = setup();
    await useCase.execute([
      message(3, view('a', NOW - 2000, 'sku-1')),
      message(4, view('b', NOW - 1000, 'sku-2')),
      message(5, view('c', NOW, 'sku-1')),
    ]);
    const notices = publisher.sent.find((entry) => entry.topic === 'features.updated.v2')!;
    expect(notices.messages).toHaveLength(1);
    const notice = featuresUpdatedV2Schema.parse(notices.messages[0]!.value);
    expect(notices.messages[0]!.key).toBe('events.raw.v1:0');
    expect(notice).toMatchObject({
      batchId: 'events.raw.v1:0:3-5/0',
      users: ['u_1'],
      items: ['sku-1', 'sku-2'],
      events: [{ eventId: 'a' }, { eventId: 'b' }, { eventId: 'c' }],
    });
  });

  it('counts events older than the partition watermark minus the allowance as late', async () => {
    const { store, useCase } = setup();
    await useCase.execute([
      message(1, view('a', NOW)),
      message(2, view('b', NOW - 20 * 60_000)),
      message(3, view('c', NOW - 5 * 60_000)),
    ]);
    expect(store.batches[0]!.quality!.counts.late).toBe(1);
  });

  it('flags training examples while the quality window crosses a threshold', async () => {
    const { store, publisher, useCase } = setup();
    store.applied = appliedWithSnapshot;
    store.window = { total: 1000, invalid: 200, duplicate: 0, late: 0, unknown_item: 0 };
    const summary = await useCase.execute([message(1, view('a', NOW))]);
    expect(summary.verdict).toMatchObject({ flagged: true, crossed: ['invalid'] });
    const examples = publisher.sent.find(
      (entry) => entry.topic === 'training.examples.v2',
    )!.messages;
    expect(
      examples.map((entry) => (entry.value as { qualityFlagged: boolean }).qualityFlagged),
    ).toEqual([true]);
  });

  it('writes one compact record per labelled event, many per message, before the feature writes', async () => {
    const { store, publisher, useCase } = setup();
    store.applied = appliedWithSnapshot;
    let flushedWhenPublished = -1;
    publisher.publish = async (topic: string, messages: OutgoingMessage<never>[]) => {
      if (topic === 'training.examples.v2') flushedWhenPublished = store.flushed.length;
      publisher.sent.push({ topic, messages });
    };
    const summary = await useCase.execute([
      message(4, view('a', NOW - 2000)),
      message(5, view('b', NOW - 1000)),
    ]);
    expect(flushedWhenPublished).toBe(0);
    const sent = publisher.sent.find((entry) => entry.topic === 'training.examples.v2')!.messages;
    expect(sent).toHaveLength(1);
    const value = trainingExamplesV2Schema.parse(sent[0]!.value);
    expect(sent[0]!.key).toBe('events.raw.v1:0');
    expect(value.batchId).toBe('events.raw.v1:0:4-5/0');
    expect(value.records.map((record) => [record.eventId, record.outcome])).toEqual([
      ['a', 'click'],
      ['b', 'click'],
    ]);
    expect(value.records[0]!.items.map((item) => [item.itemId, item.label])).toEqual([
      ['sku-1', 1],
      ['sku-9', 0],
    ]);
    expect(expandTrainingExamples(value).map((example) => example.exampleId)).toEqual([
      'a:sku-1:1',
      'a:sku-9:0',
      'b:sku-1:1',
      'b:sku-9:0',
    ]);
    expect(summary.trainingExamples).toBe(4);
  });

  it('writes no feature of a batch whose training examples could not be written', async () => {
    const { store, publisher, useCase } = setup();
    store.applied = appliedWithSnapshot;
    publisher.failing.add('training.examples.v2');
    await expect(useCase.execute([message(1, view('a', NOW))])).rejects.toThrow('unavailable');
    expect(store.batches).toHaveLength(1);
    expect(store.flushed).toHaveLength(0);
  });

  it('asks for no pre-event snapshots when training examples are switched off', async () => {
    const { store, useCase } = setup({ trainingExamples: false });
    await useCase.execute([message(1, view('a', NOW))]);
    expect(store.batches[0]!.events.map((entry) => entry.plan.snapshot)).toEqual([false]);
    const withExamples = setup();
    await withExamples.useCase.execute([message(1, view('a', NOW))]);
    expect(withExamples.store.batches[0]!.events.map((entry) => entry.plan.snapshot)).toEqual([
      true,
    ]);
  });

  it('dead-letters events about unknown items when the catalogue is required', async () => {
    const { store, useCase } = setup({ requireKnownItems: true });
    store.catalogue.set('sku-1', { upd: '1' });
    const summary = await useCase.execute([
      message(1, view('a', NOW, 'sku-1')),
      message(2, view('b', NOW, 'sku-404')),
    ]);
    expect(store.batches[0]!.events.map((entry) => entry.plan.eventId)).toEqual(['a']);
    expect(summary.deadLetters).toEqual([{ reason: 'unknown_item' }]);
  });
});
