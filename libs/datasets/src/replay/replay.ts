/**
 * Replays records into the collector as a storefront would: events to `POST /v1/events` as
 * `{"events":[…]}`, items to `POST /v1/items` as `{"items":[…]}`, in batches. Requests run on
 * `concurrency` lanes; a user's events (an item's upserts) always take the same lane, so they arrive in
 * file order. At a numeric speed the events are paced by their original timestamps compressed by that
 * factor; "max" sends as fast as the collector answers. Items and events are not mixed in flight: the
 * replay waits for one kind to be acknowledged before it sends the other. With `restamp` each event
 * carries the moment it is sent instead of its original time (the original spacing kept by the pacing),
 * so a recorded or synthetic storefront replays as live traffic: a quality gate that compares event times
 * with the newest event seen does not judge it late.
 */
import type { DatasetRecord } from '../records';
import { recordTimeMs } from '../records';
import { fnv1a } from '../import/identity';
import {
  postBatch,
  sleepMs,
  type BatchOutcome,
  type CollectorClientOptions,
} from './collector-client';

export interface ReplayOptions extends CollectorClientOptions {
  /** Base URL of the collector, e.g. `http://127.0.0.1:3001`. */
  collectorUrl: string;
  records: AsyncIterable<DatasetRecord> | Iterable<DatasetRecord>;
  /** "max", or how many times faster than the original timeline (10 = ten times). @default "max" */
  speed?: 'max' | number;
  /** Records per request (the collector accepts up to 500). @default 200 */
  batchSize?: number;
  /** Request body bytes at most (the collector accepts 512,000). @default 450000 */
  maxBatchBytes?: number;
  /** Lanes with a request in flight. @default 4 */
  concurrency?: number;
  /**
   * Stamp each event with the time it is sent (after pacing) rather than its original timestamp.
   * @default false
   */
  restamp?: boolean;
  /** Called after every answered request. */
  onProgress?: (stats: ReplayStats) => void;
  now?: () => number;
}

export interface KindStats {
  sent: number;
  accepted: number;
  rejected: number;
}

export interface ReplayStats {
  events: KindStats;
  items: KindStats;
  requests: number;
  retries: number;
  /** Rejected records by error code. */
  rejections: Record<string, number>;
}

interface Batch {
  kind: DatasetRecord['kind'];
  parts: string[];
  bytes: number;
}

const DEFAULT_BATCH_SIZE = 200;
const DEFAULT_MAX_BATCH_BYTES = 450_000;
const DEFAULT_CONCURRENCY = 4;
/** Batches a lane may have queued before the reader waits for it. */
const MAX_QUEUED_PER_LANE = 2;
const ENVELOPE_BYTES = 16;

export async function replayRecords(options: ReplayOptions): Promise<ReplayStats> {
  const run = new ReplayRun(options);
  for await (const record of options.records) await run.add(record);
  return run.finish();
}

/** The event stamped with `nowMs`; items pass unchanged. */
function restamped(record: DatasetRecord, nowMs: number): DatasetRecord {
  if (record.kind !== 'event') return record;
  return { kind: 'event', event: { ...record.event, timestamp: new Date(nowMs).toISOString() } };
}

class Lane {
  batch: Batch | undefined;
  queued = 0;
  private tail: Promise<void> = Promise.resolve();

  enqueue(task: () => Promise<void>): void {
    this.queued += 1;
    this.tail = this.tail.then(task).finally(() => {
      this.queued -= 1;
    });
  }

  idle(): Promise<void> {
    return this.tail;
  }
}

class ReplayRun {
  readonly stats: ReplayStats = {
    events: { sent: 0, accepted: 0, rejected: 0 },
    items: { sent: 0, accepted: 0, rejected: 0 },
    requests: 0,
    retries: 0,
    rejections: {},
  };
  private readonly lanes: Lane[];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private failure: Error | undefined;
  private currentKind: DatasetRecord['kind'] | undefined;
  private clock: { wallStartMs: number; firstEventMs: number } | undefined;

  constructor(private readonly options: ReplayOptions) {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    this.lanes = Array.from({ length: concurrency }, () => new Lane());
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleepMs;
  }

  async add(record: DatasetRecord): Promise<void> {
    this.throwIfFailed();
    if (this.currentKind !== undefined && this.currentKind !== record.kind) await this.drain();
    this.currentKind = record.kind;
    if (record.kind === 'event') await this.pace(record);
    const sent = this.options.restamp === true ? restamped(record, this.now()) : record;
    const lane = this.laneOf(sent);
    this.append(lane, sent);
    if (lane.queued >= MAX_QUEUED_PER_LANE) await lane.idle();
  }

  /** Adds the record to its lane's batch; a batch is sent when full by count or by bytes. */
  private append(lane: Lane, record: DatasetRecord): void {
    const json = JSON.stringify(record.kind === 'event' ? record.event : record.item);
    const maxBytes = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    if (lane.batch !== undefined && lane.batch.bytes + json.length + 1 > maxBytes) this.flush(lane);
    lane.batch ??= { kind: record.kind, parts: [], bytes: ENVELOPE_BYTES };
    lane.batch.parts.push(json);
    lane.batch.bytes += json.length + 1;
    if (lane.batch.parts.length >= (this.options.batchSize ?? DEFAULT_BATCH_SIZE)) this.flush(lane);
  }

  async finish(): Promise<ReplayStats> {
    await this.drain();
    this.throwIfFailed();
    return this.stats;
  }

  /** Waits until the record's (compressed) original time has come, sending what is ready meanwhile. */
  private async pace(record: DatasetRecord): Promise<void> {
    const speed = this.options.speed ?? 'max';
    if (speed === 'max') return;
    const timeMs = recordTimeMs(record);
    this.clock ??= { wallStartMs: this.now(), firstEventMs: timeMs };
    const dueMs = this.clock.wallStartMs + (timeMs - this.clock.firstEventMs) / speed;
    const waitMs = dueMs - this.now();
    if (waitMs <= 0) return;
    for (const lane of this.lanes) this.flush(lane);
    await this.sleep(waitMs);
  }

  private laneOf(record: DatasetRecord): Lane {
    const key =
      record.kind === 'item'
        ? record.item.itemId
        : (record.event.userId ?? record.event.anonymousId ?? '');
    return this.lanes[fnv1a(key) % this.lanes.length] ?? (this.lanes[0] as Lane);
  }

  private flush(lane: Lane): void {
    const batch = lane.batch;
    if (batch === undefined) return;
    lane.batch = undefined;
    lane.enqueue(() => this.send(batch));
  }

  private async send(batch: Batch): Promise<void> {
    if (this.failure !== undefined) return;
    const field = batch.kind === 'event' ? 'events' : 'items';
    const url = `${this.options.collectorUrl.replace(/\/+$/, '')}/v1/${field}`;
    const kindStats = batch.kind === 'event' ? this.stats.events : this.stats.items;
    kindStats.sent += batch.parts.length;
    try {
      const body = `{"${field}":[${batch.parts.join(',')}]}`;
      this.record(
        kindStats,
        await postBatch({ url, body, count: batch.parts.length }, this.options),
      );
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }

  private record(kindStats: KindStats, outcome: BatchOutcome): void {
    kindStats.accepted += outcome.accepted;
    kindStats.rejected += outcome.rejected;
    this.stats.requests += 1 + outcome.retries;
    this.stats.retries += outcome.retries;
    for (const [code, count] of Object.entries(outcome.reasons)) {
      this.stats.rejections[code] = (this.stats.rejections[code] ?? 0) + count;
    }
    this.options.onProgress?.(this.stats);
  }

  private async drain(): Promise<void> {
    for (const lane of this.lanes) this.flush(lane);
    await Promise.all(this.lanes.map((lane) => lane.idle()));
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
