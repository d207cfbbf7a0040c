/**
 * Applies batches of one source partition's events to the feature store: users' states come from the
 * owner's cache (loaded from Redis on a miss), libs/features decides every write, and one flush per batch
 * writes each slot group once, guarded so that a replay at or below what a group holds changes nothing
 * (FORMAT.md "Feature store (v2)", "Writes and exactly once"). The resume mark, written after every
 * group of a flush, is where the source's consumer resumes.
 */
import { AppError } from '@recsys/contracts';
import {
  FlushWrites,
  applyEvent,
  countShard,
  guardFields,
  packUserStates,
  userStateOf,
  type ApplyContext,
  type EventOutcome,
  type EventToApply,
  type ItemFacts,
  type SlotGroupWrites,
  type StoredHash,
  type UserState,
} from '@recsys/features';
import { featureKeys } from '../keys';
import type { ErasureSubjects } from '../privacy/erasure-subjects';
import { readShardGuardOffset, readUserStates } from '../reads';
import { ItemFactsCache } from './item-facts-cache';
import type { RedisConnection } from '../redis-connection';
import { WriteExecutor, type GuardedGroup } from './write-executor';

/** The owner's in-memory user states (the preprocessor's bounded LRU); a Map works for tools. */
export interface UserStateCache {
  get(userKey: string): UserState | undefined;
  set(userKey: string, state: UserState): void;
  delete(userKey: string): void;
  clear(): void;
}

export interface EventBatch {
  /** `<topic>:<partition>` of the events. */
  source: string;
  events: EventToApply[];
  /** The batch's last source offset (dead letters and skipped messages included). */
  lastOffset: bigint;
  /** Counts of the batch for its data-quality window. */
  quality?: { windowStartMs: number; counts: { total: number; invalid: number; late: number } };
}

export interface FeatureWriterSettings {
  /** Negative items sampled per labelled event without an impression. */
  negativeSamples: number;
  /** How long a user's keys live after the user's last event. */
  userTtlSeconds: number;
}

/** Most negatives sampled per batch (one read of their hashes; reused across the batch's events). */
const NEGATIVE_POOL_LIMIT = 256;

export class FeatureWriter {
  private readonly executor: WriteExecutor;
  /** Offset each source's shard holds, as this owner last wrote or read it. */
  private readonly shardOffsets = new Map<string, bigint>();
  /** The connection's loss count each source last wrote under (see `assertSameConnection`). */
  private readonly connectionEpochs = new Map<string, number>();

  private readonly subjects: ErasureSubjects;
  private readonly settings: FeatureWriterSettings;
  private readonly cache: UserStateCache;
  private readonly itemFacts: ItemFactsCache;

  constructor(
    private readonly redis: RedisConnection,
    options: { subjects: ErasureSubjects; settings: FeatureWriterSettings; cache?: UserStateCache },
  ) {
    this.subjects = options.subjects;
    this.settings = options.settings;
    this.cache = options.cache ?? new Map();
    this.executor = new WriteExecutor(redis);
    this.itemFacts = new ItemFactsCache(redis);
  }

  /**
   * Applies a batch; one outcome per event, in order. Throws a retriable conflict if a guard moved.
   * `beforeFlush` runs with the outcomes after they are decided and before anything is written: what
   * it writes elsewhere (training examples) is durable before a replay could skip these events.
   */
  async apply(
    batch: EventBatch,
    options: { beforeFlush?: (outcomes: readonly EventOutcome[]) => Promise<void> } = {},
  ): Promise<EventOutcome[]> {
    const states = await this.statesOf(batch.events);
    const shardAppliedOffset = await this.shardOffsetOf(batch.source);
    const labelled = batch.events.filter((event) => event.plan.snapshot).length;
    const pool = await this.negativePool(batch, labelled);
    const items = await this.itemFacts.factsOf(batch.source, {
      full: [
        ...new Set([...batch.events.flatMap((e) => e.plan.items.map((t) => t.itemId)), ...pool]),
      ],
      // Co-visitation writes to the session's earlier items too: their guards say what they counted.
      guardOnly: [...new Set([...states.values()].flatMap((state) => state.sessionItems))],
    });
    const writes = new FlushWrites();
    const context = this.contextOf(batch, { shardAppliedOffset, items, writes, pool });
    const outcomes = batch.events.map((event) =>
      applyEvent(states.get(event.plan.userKey)!, event, context),
    );
    packUserStates(writes, states, context);
    this.countQuality(batch, context);
    try {
      await options.beforeFlush?.(outcomes);
      await this.flush(batch, { states, items, writes, shardAppliedOffset });
    } catch (error) {
      this.forgetBatch(batch.source, states.keys(), items.keys());
      throw error;
    }
    return outcomes;
  }

  /**
   * A flush that failed part-way (Redis down, a reply lost, a refused guard), or a `beforeFlush` that
   * failed, leaves the cached states
   * of the batch's users ahead of what Redis holds: a retry from them would skip the unwritten events,
   * and their item and shard writes with them. Forget all the batch touched; the retry reads what
   * Redis holds, and the guards skip whatever did get written.
   */
  private forgetBatch(source: string, userKeys: Iterable<string>, itemIds: Iterable<string>): void {
    for (const userKey of userKeys) this.cache.delete(userKey);
    this.itemFacts.forget(source, itemIds);
    this.shardOffsets.delete(source);
  }

  private contextOf(
    batch: EventBatch,
    input: {
      shardAppliedOffset: bigint;
      items: Map<string, ItemFacts>;
      writes: FlushWrites;
      pool: string[];
    },
  ): ApplyContext {
    let cursor = 0;
    const { pool, items } = input;
    return {
      source: batch.source,
      shardAppliedOffset: input.shardAppliedOffset,
      qualityWindowStartMs: batch.quality?.windowStartMs,
      nowMs: Date.now(),
      userTtlSeconds: this.settings.userTtlSeconds,
      items,
      writes: input.writes,
      negativesFor: (excluded) => {
        const chosen: string[] = [];
        for (
          let tries = 0;
          tries < pool.length && chosen.length < this.settings.negativeSamples;
          tries++
        ) {
          const itemId = pool[cursor++ % pool.length]!;
          if (!excluded.has(itemId) && !chosen.includes(itemId)) chosen.push(itemId);
        }
        return chosen;
      },
      itemHash: (itemId): StoredHash => items.get(itemId)?.stored ?? {},
    };
  }

  private countQuality(batch: EventBatch, context: ApplyContext): void {
    if (batch.quality === undefined) return;
    const at = { offset: batch.lastOffset };
    for (const [field, count] of Object.entries(batch.quality.counts))
      if (count > 0) countShard(context, at, { field, by: count });
  }

  /** The batch's users' states: cached, else read (one round trip for every miss). */
  private async statesOf(events: readonly EventToApply[]): Promise<Map<string, UserState>> {
    const states = new Map<string, UserState>();
    const missing = new Map<string, { userKey: string; subject: string }>();
    for (const { plan } of events) {
      if (states.has(plan.userKey) || missing.has(plan.userKey)) continue;
      const cached = this.cache.get(plan.userKey);
      if (cached !== undefined) states.set(plan.userKey, cached);
      else
        missing.set(plan.userKey, {
          userKey: plan.userKey,
          subject: this.subjects.subjectOf(plan.userKey),
        });
    }
    for (const [userKey, stored] of await readUserStates(this.redis, [...missing.values()])) {
      const state = userStateOf(userKey, stored);
      this.cache.set(userKey, state);
      states.set(userKey, state);
    }
    return states;
  }

  private async shardOffsetOf(source: string): Promise<bigint> {
    const known = this.shardOffsets.get(source);
    if (known !== undefined) return known;
    const stored = await readShardGuardOffset(this.redis, source, 'applied');
    this.shardOffsets.set(source, stored);
    return stored;
  }

  /**
   * Items to draw negatives from: sampled from what the source's shard counted so far, topped up with
   * the batch's own items while the shard is young (a first batch still gets negatives).
   */
  private async negativePool(batch: EventBatch, labelled: number): Promise<string[]> {
    const wanted = Math.min(NEGATIVE_POOL_LIMIT, labelled * this.settings.negativeSamples * 2);
    if (wanted === 0) return [];
    const sampled = await this.redis.run('sample negatives', (client) =>
      client.zrandmember(featureKeys.popularity(batch.source), wanted),
    );
    const pool = new Set(sampled ?? []);
    for (const event of batch.events) {
      if (pool.size >= wanted) break;
      for (const touch of event.plan.items) pool.add(touch.itemId);
    }
    return [...pool];
  }

  /**
   * Aggregates first (items, the shard), then the users whose state produced them, then the resume
   * mark. A crash at any point leaves users whose writes are missing with the state they had, so a
   * replay computes the same item and shard parts, which those groups' guards then skip; and the
   * consumer resumes from the mark, before any user left unwritten.
   */
  private async flush(batch: EventBatch, input: FlushInput): Promise<void> {
    this.assertSameConnection(batch.source);
    await this.flushAggregates(batch, input);
    this.assertSameConnection(batch.source);
    await this.flushUsers(batch, input);
    this.assertSameConnection(batch.source);
    await this.executor.writeTombstoneConsent(input.writes, (userKey) =>
      this.subjects.subjectOf(userKey),
    );
    this.assertSameConnection(batch.source);
    await this.markResume(batch);
  }

  /**
   * Called right before each phase issues its writes. If the connection was lost since this source's
   * last flush, Redis may have restarted from an AOF without its last second: writing this batch on top
   * would move guards past events whose writes are gone, and a replay would then skip them. So the
   * writer forgets all it cached and refuses; the consumer resumes the source from the store's mark.
   * (With `resendAfterReconnect: false`, no command issued before the loss reaches the server after it.)
   */
  private assertSameConnection(source: string): void {
    const losses = this.redis.connectionLosses;
    const epoch = this.connectionEpochs.get(source);
    this.connectionEpochs.set(source, losses);
    if (epoch === undefined || epoch === losses) return;
    this.forgetAll();
    throw new AppError(
      'FEATURE_STORE_RECONNECTED',
      `the Redis connection was lost since ${source} last wrote; resuming from the store's offset`,
    );
  }

  private forgetAll(): void {
    this.cache.clear();
    this.itemFacts.clear();
    this.shardOffsets.clear();
  }

  private async flushAggregates(batch: EventBatch, input: FlushInput): Promise<void> {
    const field = guardFields.offset(batch.source);
    const offset = batch.lastOffset.toString();
    const itemGroups = [...input.writes.items.values()].map((group) => ({
      group,
      guard: {
        checks: [[field, expectedOffset(input.items.get(group.id)?.appliedOffset ?? -1n)]] as const,
        sets: [[field, offset]] as const,
      },
    }));
    const shard = input.writes.shard(batch.source);
    const shardGroup: GuardedGroup[] =
      batch.lastOffset > input.shardAppliedOffset
        ? [
            {
              group: shard,
              guard: {
                checks: [[field, expectedOffset(input.shardAppliedOffset)]],
                sets: [[field, offset]],
              },
            },
          ]
        : [];
    const refused = await this.executor.executeAll([...itemGroups, ...shardGroup]);
    if (refused.length > 0) throw conflict(refused, batch.source);
    this.itemFacts.applied(
      batch.source,
      itemGroups.map(({ group }) => group.id),
      batch.lastOffset,
    );
    if (shardGroup.length > 0) this.shardOffsets.set(batch.source, batch.lastOffset);
  }

  private async flushUsers(batch: EventBatch, input: FlushInput): Promise<void> {
    const userGroups = [...input.writes.users.values()].map((group) =>
      userGuarded(group, {
        state: input.states.get(group.id)!,
        source: batch.source,
        ttlSeconds: this.settings.userTtlSeconds,
      }),
    );
    const refused = await this.executor.executeAll(userGroups);
    if (refused.length > 0) throw conflict(refused, batch.source);
    for (const { group } of userGroups) {
      const state = input.states.get(group.id)!;
      state.guard.storedOffsets = { ...state.guard.offsets };
    }
  }

  /** Every group of the flushes up to `lastOffset` is written: where the source's consumer resumes. */
  private async markResume(batch: EventBatch): Promise<void> {
    const offset = batch.lastOffset.toString();
    await this.redis.run('mark resume', (client) =>
      Promise.all([
        client.hset(
          featureKeys.shardGuard(batch.source),
          guardFields.resumeAfter(batch.source),
          offset,
        ),
        client.sadd(featureKeys.shards(), batch.source),
      ]),
    );
  }
}

interface FlushInput {
  states: Map<string, UserState>;
  items: Map<string, ItemFacts>;
  writes: FlushWrites;
  shardAppliedOffset: bigint;
}

function userGuarded(
  group: SlotGroupWrites,
  { state, source, ttlSeconds }: { state: UserState; source: string; ttlSeconds: number },
): GuardedGroup {
  const field = guardFields.offset(source);
  return {
    group,
    guard: {
      checks: [
        [field, state.guard.storedOffsets[source] ?? ''],
        [guardFields.erasureMark, state.guard.erasureMark],
      ],
      sets: [
        [field, state.guard.offsets[source] ?? ''],
        [guardFields.recentEvents, state.guard.recentEvents.join(' ')],
      ],
      ttlSeconds,
    },
  };
}

function expectedOffset(offset: bigint): string {
  return offset < 0n ? '' : offset.toString();
}

/**
 * Another writer moved a guard since it was read: an erasure, or a previous owner of the partition
 * still flushing after a rebalance. Retriable: the batch runs again from freshly read state, and the
 * guards skip what is already applied.
 */
function conflict(refused: readonly GuardedGroup[], source: string): AppError {
  const names = refused.slice(0, 3).map(({ group }) => `${group.kind} ${group.id}`);
  return new AppError(
    'FEATURE_WRITE_CONFLICT',
    `${refused.length} slot group(s) of ${source} changed since read (${names.join(', ')}); retrying from fresh state`,
  );
}
