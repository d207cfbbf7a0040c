/**
 * Executes the compacted writes of a flush (libs/features' `FlushWrites`) per slot group (a user, an
 * item, a shard), each guarded by a compare-and-set on the group's guard hash. On one Redis, one script
 * run carries up to GROUPS_PER_RUN groups (a flush phase is one or a few calls, not one per user and
 * item: the per-command cost was most of the client's); on a Redis Cluster, one run per group (a group's
 * keys share a hash tag, different groups do not). Keys come from keys.ts only; the meaning of every
 * write was decided by libs/features.
 */
import {
  type FlushWrites,
  type KeyName,
  type KeyWrites,
  type SlotGroupKind,
  type SlotGroupWrites,
} from '@recsys/features';
import { featureKeys } from '../keys';
import { pipelineValues, type PipelineResults } from '../pipeline-values';
import { privacyKeys } from '../privacy/privacy-keys';
import type { RedisConnection } from '../redis-connection';
import { EXECUTE_WRITES_LUA } from './execute-writes.lua';

/** The compare-and-set of one group: guard fields expected (`''` = absent), then fields written. */
export interface GroupGuard {
  checks: ReadonlyArray<readonly [field: string, expected: string]>;
  sets: ReadonlyArray<readonly [field: string, value: string]>;
  /** The guard's time to live (a user's guard lives as long as the user's keys); none when absent. */
  ttlSeconds?: number;
}

export interface GuardedGroup {
  group: SlotGroupWrites;
  guard: GroupGuard;
}

type KeyBuilder<K extends SlotGroupKind> = (id: string, name: KeyName<K>) => string;

const KEY_OF: { [K in SlotGroupKind]: KeyBuilder<K> } = {
  user: (userKey, { family }) => USER_KEYS[family](userKey),
  item: (itemId, { family }) =>
    family === 'item' ? featureKeys.item(itemId) : featureKeys.coVisitation(itemId),
  shard: (shardId, { family, qualifier = '' }) => {
    if (family === 'popularity') return featureKeys.popularity(shardId);
    if (family === 'popularityOfDay') return featureKeys.popularityOfDay(shardId, qualifier);
    if (family === 'popularityOfCategory')
      return featureKeys.popularityOfCategory(shardId, qualifier);
    return featureKeys.qualityWindow(shardId, Number(qualifier));
  },
};

const USER_KEYS: Record<KeyName<'user'>['family'], (userKey: string) => string> = {
  state: featureKeys.userState,
  profile: featureKeys.userProfile,
  categories: featureKeys.userCategories,
  brands: featureKeys.userBrands,
  sequence: featureKeys.userSequence,
  sessionItems: featureKeys.userSessionItems,
  shown: featureKeys.userShown,
  purchased: featureKeys.userPurchased,
  impressions: featureKeys.userImpressions,
};

const GUARD_OF: Record<SlotGroupKind, (id: string) => string> = {
  user: featureKeys.userGuard,
  item: featureKeys.itemGuard,
  shard: featureKeys.shardGuard,
};

export function guardKeyOf(group: { kind: SlotGroupKind; id: string }): string {
  return GUARD_OF[group.kind](group.id);
}

/** KEYS and ARGV of the executor script for one group (see execute-writes.lua.ts). */
export function encodeGroup(
  group: SlotGroupWrites,
  guard: GroupGuard,
): { keys: string[]; args: string[] } {
  const keys = [guardKeyOf(group)];
  const args: string[] = [String(guard.checks.length)];
  for (const [field, expected] of guard.checks) args.push(field, expected);
  args.push(String(guard.sets.length));
  for (const [field, value] of guard.sets) args.push(field, value);
  args.push(String(guard.ttlSeconds ?? 0));
  const keyOf = KEY_OF[group.kind] as KeyBuilder<SlotGroupKind>;
  for (const { name, writes } of group.keys.values()) {
    keys.push(keyOf(group.id, name));
    encodeKey(writes, { key: String(keys.length), refreshTtl: group.refreshTtl }, args);
  }
  return { keys, args };
}

function encodeKey(
  writes: KeyWrites,
  { key, refreshTtl }: { key: string; refreshTtl: boolean },
  args: string[],
): void {
  const before = args.length;
  if (writes.deleteKey) args.push('X', key);
  // A whole value is written with its TTL in the same command.
  if (writes.value !== undefined) {
    args.push('V', key, writes.value, String(writes.expireSeconds));
    return;
  }
  encodeHash(writes, key, args);
  encodeSortedSet(writes, key, args);
  if (writes.listPush.length > 0) {
    const oldestFirst = [...writes.listPush].reverse();
    args.push('L', key, String(writes.keep), String(oldestFirst.length), ...oldestFirst);
  }
  // A TTL is set on every key written (a new key must not live forever) and, when the group asks for
  // it, on its other keys too; an untouched key keeps the TTL it had.
  const written = args.length > before;
  if (writes.expireSeconds > 0 && (written || refreshTtl))
    args.push('E', key, String(writes.expireSeconds));
}

function encodeHash(writes: KeyWrites, key: string, args: string[]): void {
  if (writes.deleteFields.size > 0)
    args.push('D', key, String(writes.deleteFields.size), ...writes.deleteFields);
  pushPairs(args, { code: 'S', key }, writes.setFields);
  for (const [field, value] of writes.setFieldsIfAbsent) args.push('N', key, field, value);
  pushPairs(args, { code: 'F', key }, writes.increments);
}

function encodeSortedSet(writes: KeyWrites, key: string, args: string[]): void {
  if (writes.memberScores.size > 0) {
    args.push('A', key, String(writes.memberScores.size));
    for (const [member, score] of writes.memberScores) args.push(String(score), member);
  }
  pushPairs(args, { code: 'Z', key }, writes.memberIncrements);
  const written = writes.memberScores.size > 0 || writes.memberIncrements.size > 0;
  if (written && writes.keep > 0) args.push('T', key, String(writes.keep));
}

/** `code key n name value…` of a map; nothing when it is empty. */
function pushPairs(
  args: string[],
  op: { code: string; key: string },
  entries: ReadonlyMap<string, string | number>,
): void {
  if (entries.size === 0) return;
  args.push(op.code, op.key, String(entries.size));
  for (const [name, value] of entries) args.push(name, String(value));
}

/** KEYS and ARGV of one script run carrying `groups` (see execute-writes.lua.ts). */
export function encodeGroups(groups: readonly GuardedGroup[]): { keys: string[]; args: string[] } {
  const keys: string[] = [];
  const args: string[] = [String(groups.length)];
  for (const { group, guard } of groups) {
    const encoded = encodeGroup(group, guard);
    keys.push(...encoded.keys);
    args.push(String(encoded.keys.length), String(encoded.args.length), ...encoded.args);
  }
  return { keys, args };
}

/**
 * Groups per script run on one Redis: a run of a few hundred groups blocks Redis for about a
 * millisecond, and keeps each call's argument list far below what Lua unpacks at once.
 */
const GROUPS_PER_RUN = 100;

interface ScriptClient {
  recsysExecuteWrites(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number[]>;
}

interface PipelineExec {
  exec(): Promise<PipelineResults>;
}

export class WriteExecutor {
  constructor(private readonly redis: RedisConnection) {
    redis.client.defineCommand('recsysExecuteWrites', { lua: EXECUTE_WRITES_LUA });
  }

  /** Runs every group; returns the groups whose guard refused their writes (they wrote nothing). */
  async executeAll(groups: readonly GuardedGroup[]): Promise<GuardedGroup[]> {
    if (this.redis.isCluster) return this.executePerPrimary(groups);
    const runs: GuardedGroup[][] = [];
    for (let start = 0; start < groups.length; start += GROUPS_PER_RUN)
      runs.push(groups.slice(start, start + GROUPS_PER_RUN));
    const refused = await Promise.all(runs.map((run) => this.executeRun(run)));
    return refused.flat();
  }

  private async executeRun(run: readonly GuardedGroup[]): Promise<GuardedGroup[]> {
    const { keys, args } = encodeGroups(run);
    const refused = await this.redis.run(`write ${run.length} slot group(s)`, (client) =>
      (client as unknown as ScriptClient).recsysExecuteWrites(keys.length, ...keys, ...args),
    );
    return refused.map((number) => run[number - 1]!);
  }

  /**
   * On a cluster a script run holds one group (its keys share a slot; different groups do not), so a
   * flush is one run per group: sent as one pipeline per primary, not one socket write each.
   */
  private async executePerPrimary(groups: readonly GuardedGroup[]): Promise<GuardedGroup[]> {
    const byPrimary = new Map<string, GuardedGroup[]>();
    for (const guarded of groups) {
      const primary = this.redis.primaryOf(guardKeyOf(guarded.group)) ?? 'unknown';
      const same = byPrimary.get(primary);
      if (same === undefined) byPrimary.set(primary, [guarded]);
      else same.push(guarded);
    }
    const refused = await Promise.all(
      [...byPrimary.values()].map((sameNode) => this.executePipelined(sameNode)),
    );
    return refused.flat();
  }

  private async executePipelined(groups: readonly GuardedGroup[]): Promise<GuardedGroup[]> {
    const replies = await this.redis.run(`write ${groups.length} slot group(s)`, async (client) => {
      const pipeline = client.pipeline() as unknown as ScriptClient & PipelineExec;
      for (const guarded of groups) {
        const { keys, args } = encodeGroups([guarded]);
        void pipeline.recsysExecuteWrites(keys.length, ...keys, ...args);
      }
      return pipelineValues(await pipeline.exec());
    });
    return groups.filter((_, index) => (replies[index] as number[]).length > 0);
  }

  /** The refusal of personalisation that erased users' later events stated (tombstone field). */
  async writeTombstoneConsent(
    writes: FlushWrites,
    subjectOf: (userKey: string) => string,
  ): Promise<void> {
    await Promise.all(
      [...writes.tombstoneConsent].map(([userKey, optedOut]) =>
        this.redis.run('write tombstone consent', (client) =>
          client.hset(privacyKeys.tombstone(subjectOf(userKey)), 'optout', optedOut ? '1' : '0'),
        ),
      ),
    );
  }
}
