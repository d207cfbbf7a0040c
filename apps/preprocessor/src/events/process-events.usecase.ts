/**
 * The preprocessor's work on one batch of one partition: decode and check every message, dead-letter the
 * bad ones, apply the good ones to the feature store atomically together with the partition offset and
 * the window's data-quality counts, then emit point-in-time training examples and feature-update notices.
 *
 * Delivery: feature updates are exactly-once (each slot group's guard holds the source offset it covers,
 * written atomically with the group's writes; a client's re-post of an event id is dropped within the
 * user's recent-event window); dead letters are at-least-once (written before the apply); training
 * examples are written after the batch's outcomes are decided and before any of its feature writes, so
 * a crash never loses them, and a replay writes the same records again (ids from the event ids), which
 * the trainer's window keeps once; notices (one per batch) are at-most-once (written after the writes).
 */
import {
  MAX_TRAINING_RECORDS_PER_MESSAGE,
  MAX_UPDATED_EVENTS_PER_MESSAGE,
  sourceBatchId,
  type FeaturesUpdatedV2,
  type SourceStretch,
  type StorefrontEvent,
} from '@recsys/contracts';
import type { ApplyOutcome, EventBatch, FeatureStore, FeatureWriter } from '@recsys/feature-store';
import {
  evaluateQualityGate,
  itemIdsOf,
  qualityWindowStart,
  trainingExampleMessages,
  trainingRecordOf,
  updatePlanOf,
  type QualityThresholds,
  type QualityVerdict,
  type UpdatePlan,
} from '@recsys/features';
import { deadLetterMessage, type OutgoingMessage, type RawMessage } from '@recsys/kafka';
import { traceHeadersOf } from '@recsys/telemetry';
import { decodeEventMessage, type DecodedMessage, type DecodeSettings } from './decode-event';
import { newestAppliedEventMs, type OpsStatsRecorder } from '../ops-stats.writer';

export interface PreprocessorPublisher {
  publish(topic: 'events.dlq.v1', messages: OutgoingMessage<'events.dlq.v1'>[]): Promise<unknown>;
  publish(
    topic: 'training.examples.v2',
    messages: OutgoingMessage<'training.examples.v2'>[],
  ): Promise<unknown>;
  publish(
    topic: 'features.updated.v2',
    messages: OutgoingMessage<'features.updated.v2'>[],
  ): Promise<unknown>;
}

export type FeatureStorePort = Pick<FeatureStore, 'qualityWindow' | 'readItems' | 'storedOffset'>;
export type FeatureWriterPort = Pick<FeatureWriter, 'apply'>;

export interface ProcessingSettings extends DecodeSettings {
  groupId: string;
  requireKnownItems: boolean;
  lateAfterMs: number;
  quality: { windowMs: number; thresholds: QualityThresholds };
  featureFormatVersion: number;
  /** Capture pre-event state and emit training examples for labelled events. */
  trainingExamples: boolean;
}

export interface BatchSummary {
  received: number;
  /**
   * Redelivered events whose effects were already in the store: at or below the partition's stored
   * offset before the apply, or at or below their user's applied offset.
   */
  skippedAsProcessed: number;
  applied: number;
  duplicates: number;
  /** Events of erased users, skipped by the store (see FORMAT.md "Privacy (v1)"). */
  erased: number;
  deadLetters: Array<{ reason: string }>;
  trainingExamples: number;
  late: number;
  verdict: QualityVerdict | undefined;
  /** Receipt → feature visible, per applied event (ms). */
  freshnessMs: number[];
  /** Type and event time of each applied event (metrics: events/s by type, event time → features). */
  appliedEvents?: Array<{ eventType: string; eventTimeMs: number }>;
}

type BatchQuality = NonNullable<EventBatch['quality']>;

interface Accepted {
  message: RawMessage;
  event: StorefrontEvent;
  plan: UpdatePlan;
  receivedAtMs: number;
}

export class ProcessEventsUseCase {
  /** Newest event time seen per partition: the reference for "late". */
  private readonly watermarks = new Map<number, number>();

  private readonly store: FeatureStorePort;
  private readonly writer: FeatureWriterPort;
  private readonly publisher: PreprocessorPublisher;
  private readonly settings: ProcessingSettings;
  private readonly now: () => number;
  private readonly opsStats: OpsStatsRecorder | undefined;

  constructor(options: {
    store: FeatureStorePort;
    /** Applies batches with the owner's user-state cache. */
    writer: FeatureWriterPort;
    publisher: PreprocessorPublisher;
    settings: ProcessingSettings;
    now?: () => number;
    /** Status for the console (ops stats), told about every batch. */
    opsStats?: OpsStatsRecorder;
  }) {
    this.store = options.store;
    this.writer = options.writer;
    this.publisher = options.publisher;
    this.settings = options.settings;
    this.now = options.now ?? Date.now;
    this.opsStats = options.opsStats;
  }

  async execute(messages: RawMessage[]): Promise<BatchSummary> {
    const first = messages[0];
    if (first === undefined) return emptySummary();
    const fresh = await this.notYetProcessed(messages);
    const decoded = await this.decodeAll(fresh);
    const dead = decoded.filter((entry) => entry.kind === 'dead');
    const accepted = decoded
      .filter((entry) => entry.kind === 'event')
      .map((entry) => toAccepted(entry, this.settings.trainingExamples));
    await this.publisher.publish(
      'events.dlq.v1',
      dead.map((entry) => deadLetterMessage(entry.deadLetter)),
    );

    const late = this.countLate(first.partition, accepted);
    const quality = {
      windowStartMs: qualityWindowStart(this.now(), this.settings.quality.windowMs),
      counts: { total: fresh.length, invalid: dead.length, late },
    };
    const batch = this.batchOf({ accepted, messages, quality });
    const stretch = {
      source: batch.source,
      firstOffset: BigInt(first.offset),
      lastOffset: batch.lastOffset,
    };
    const { outcomes, verdict, examples } = await this.applyWithExamples(batch, {
      accepted,
      judged: accepted.length > 0 || dead.length > 0 ? quality : undefined,
      stretch,
    });
    await this.publisher.publish(
      'features.updated.v2',
      this.noticesOf(accepted, outcomes, stretch),
    );
    const visibleAt = this.now();
    const summary: BatchSummary = {
      received: messages.length,
      skippedAsProcessed:
        messages.length -
        fresh.length +
        outcomes.filter((outcome) => outcome.status === 'already_applied').length,
      applied: outcomes.filter((outcome) => outcome.status === 'applied').length,
      duplicates: outcomes.filter((outcome) => outcome.status === 'duplicate').length,
      erased: outcomes.filter((outcome) => outcome.status === 'erased').length,
      deadLetters: dead.map((entry) => ({ reason: entry.deadLetter.reason })),
      trainingExamples: examples,
      late,
      verdict,
      freshnessMs: accepted
        .filter((_, index) => outcomes[index]?.status === 'applied')
        .map((entry) => visibleAt - entry.receivedAtMs),
      appliedEvents: accepted
        .filter((_, index) => outcomes[index]?.status === 'applied')
        .map(({ event, plan }) => ({ eventType: event.eventType, eventTimeMs: plan.timestampMs })),
    };
    this.opsStats?.recordBatch(summary, newestAppliedEventMs(accepted, outcomes));
    return summary;
  }

  /** Drops messages whose effects are already in the store (redelivery after a crash or rebalance). */
  private async notYetProcessed(messages: RawMessage[]): Promise<RawMessage[]> {
    const { topic, partition } = messages[0]!;
    const stored = await this.store.storedOffset(topic, partition);
    if (stored === undefined) return messages;
    const storedOffset = BigInt(stored);
    return messages.filter((message) => BigInt(message.offset) > storedOffset);
  }

  private async decodeAll(messages: RawMessage[]): Promise<DecodedMessage[]> {
    const settings: DecodeSettings = {
      service: this.settings.service,
      checks: this.settings.checks,
    };
    const decoded = messages.map((message) => decodeEventMessage(message, settings));
    if (!this.settings.requireKnownItems) return decoded;
    const known = await this.knownItemsOf(decoded);
    return decoded.map((entry) =>
      entry.kind === 'event' ? refuseUnknownItems(entry, known, this.settings.service) : entry,
    );
  }

  /** Items of this batch that have a catalogue entry (one pipelined read for the whole batch). */
  private async knownItemsOf(decoded: DecodedMessage[]): Promise<Set<string>> {
    const itemIds = new Set(
      decoded.flatMap((entry) => (entry.kind === 'event' ? itemIdsOf(entry.event) : [])),
    );
    const stored = await this.store.readItems([...itemIds]);
    return new Set(
      [...stored].filter(([, hash]) => hash['upd'] !== undefined).map(([itemId]) => itemId),
    );
  }

  private countLate(partition: number, accepted: Accepted[]): number {
    let watermark = this.watermarks.get(partition) ?? Number.NEGATIVE_INFINITY;
    let late = 0;
    for (const entry of accepted) {
      if (entry.plan.timestampMs < watermark - this.settings.lateAfterMs) late += 1;
      watermark = Math.max(watermark, entry.plan.timestampMs);
    }
    this.watermarks.set(partition, watermark);
    return late;
  }

  private batchOf(input: {
    accepted: Accepted[];
    messages: RawMessage[];
    quality: BatchQuality;
  }): EventBatch {
    const last = input.messages[input.messages.length - 1]!;
    return {
      source: `${last.topic}:${last.partition}`,
      events: input.accepted.map((entry) => ({
        plan: entry.plan,
        offset: BigInt(entry.message.offset),
        receivedAtMs: entry.receivedAtMs,
      })),
      lastOffset: BigInt(last.offset),
      quality: input.quality,
    };
  }

  /**
   * Applies the batch; between deciding its outcomes and writing them, judges the quality window and
   * writes the batch's training examples (so they are durable before a replay could skip the events).
   */
  private async applyWithExamples(
    batch: EventBatch,
    input: {
      accepted: Accepted[];
      /** The batch's quality counts, when its window is to be judged. */
      judged: BatchQuality | undefined;
      stretch: SourceStretch;
    },
  ): Promise<{ outcomes: ApplyOutcome[]; verdict: QualityVerdict | undefined; examples: number }> {
    let verdict: QualityVerdict | undefined;
    let examples = 0;
    const outcomes = await this.writer.apply(batch, {
      beforeFlush: async (decided) => {
        if (input.judged) verdict = await this.verdictOf(input.judged, decided);
        examples = await this.publishExamples(input.accepted, decided, {
          ...input.stretch,
          qualityFlagged: verdict?.flagged ?? false,
        });
      },
    });
    return { outcomes, verdict, examples };
  }

  /** The window's verdict with this batch counted (its counts are written in the same flush). */
  private async verdictOf(
    { windowStartMs, counts }: BatchQuality,
    outcomes: readonly ApplyOutcome[],
  ): Promise<QualityVerdict> {
    const stored = await this.store.qualityWindow(windowStartMs);
    return evaluateQualityGate(
      {
        ...stored,
        total: stored.total + counts.total,
        invalid: stored.invalid + counts.invalid,
        late: stored.late + counts.late,
        duplicate:
          stored.duplicate + outcomes.filter((outcome) => outcome.status === 'duplicate').length,
      },
      this.settings.quality.thresholds,
    );
  }

  /**
   * One record per applied labelled event, many per message, keyed by the source partition; returns
   * the number of examples (items) written. Each message continues the trace of its first event.
   */
  private async publishExamples(
    accepted: Accepted[],
    outcomes: readonly ApplyOutcome[],
    batch: SourceStretch & { qualityFlagged: boolean },
  ): Promise<number> {
    const labelled = accepted.flatMap((entry, index) => {
      const outcome = outcomes[index];
      if (outcome?.status !== 'applied' || outcome.snapshot === undefined) return [];
      const record = trainingRecordOf({
        event: entry.event,
        plan: entry.plan,
        snapshot: outcome.snapshot,
      });
      return record === undefined ? [] : [{ record, headers: entry.message.headers }];
    });
    if (labelled.length === 0) return 0;
    const messages = trainingExampleMessages(
      labelled.map(({ record }) => record),
      batch,
      new Date(this.now()),
    );
    await this.publisher.publish(
      'training.examples.v2',
      messages.map((value, chunk) => ({
        key: batch.source,
        value,
        headers: traceHeadersOf(labelled[chunk * MAX_TRAINING_RECORDS_PER_MESSAGE]!.headers),
      })),
    );
    return labelled.reduce((sum, { record }) => sum + record.items.length, 0);
  }

  /** One notice per batch (per MAX_UPDATED_EVENTS_PER_MESSAGE applied events), keyed by the source. */
  private noticesOf(
    accepted: Accepted[],
    outcomes: ApplyOutcome[],
    stretch: SourceStretch,
  ): OutgoingMessage<'features.updated.v2'>[] {
    const applied = accepted.filter((_, index) => outcomes[index]?.status === 'applied');
    const updatedAt = new Date(this.now()).toISOString();
    const notices: OutgoingMessage<'features.updated.v2'>[] = [];
    for (let start = 0; start < applied.length; start += MAX_UPDATED_EVENTS_PER_MESSAGE) {
      const chunk = applied.slice(start, start + MAX_UPDATED_EVENTS_PER_MESSAGE);
      const value: FeaturesUpdatedV2 = {
        schemaVersion: 2,
        batchId: sourceBatchId(stretch, notices.length),
        featureFormatVersion: this.settings.featureFormatVersion,
        updatedAt,
        users: [...new Set(chunk.map(({ plan }) => plan.userKey))],
        items: [...new Set(chunk.flatMap(({ plan }) => plan.items.map((item) => item.itemId)))],
        featureGroups: [...new Set(chunk.flatMap(({ plan }) => featureGroupsOf(plan)))],
        events: chunk.map(({ event }) => ({
          eventId: event.eventId,
          eventType: event.eventType,
          eventTimestamp: event.timestamp,
        })),
      };
      // The notice continues the trace of its first event (the batch consumer's per-message span).
      notices.push({
        key: stretch.source,
        value,
        headers: traceHeadersOf(chunk[0]!.message.headers),
      });
    }
    return notices;
  }
}

function refuseUnknownItems(
  entry: Extract<DecodedMessage, { kind: 'event' }>,
  known: Set<string>,
  service: string,
): DecodedMessage {
  const unknown = itemIdsOf(entry.event).find((itemId) => !known.has(itemId));
  if (unknown === undefined) return entry;
  const { message, event } = entry;
  return {
    kind: 'dead',
    message,
    deadLetter: {
      reason: 'unknown_item',
      code: 'EVENT_INVALID',
      message: `item ${unknown} is not in the catalogue`,
      service,
      payload: message.value,
      source: { topic: message.topic, partition: message.partition, offset: message.offset },
      eventId: event.eventId,
      eventType: event.eventType,
      ...(message.key !== undefined ? { key: message.key } : {}),
    },
  };
}

function toAccepted(
  entry: Extract<DecodedMessage, { kind: 'event' }>,
  trainingExamples: boolean,
): Accepted {
  const plan = updatePlanOf(entry.event);
  return {
    message: entry.message,
    event: entry.event,
    plan: trainingExamples ? plan : { ...plan, snapshot: false },
    receivedAtMs: entry.receivedAtMs,
  };
}

function featureGroupsOf(plan: UpdatePlan): string[] {
  const groups = ['user_counts', 'user_session'];
  if (plan.items.length > 0) groups.push('item_counts', 'popularity');
  if (plan.interaction !== undefined)
    groups.push('user_affinity', 'user_sequence', 'co_visitation');
  return groups;
}

function emptySummary(): BatchSummary {
  return {
    received: 0,
    skippedAsProcessed: 0,
    applied: 0,
    duplicates: 0,
    erased: 0,
    deadLetters: [],
    trainingExamples: 0,
    late: 0,
    verdict: undefined,
    freshnessMs: [],
  };
}
