/**
 * Operational statistics a service instance publishes for the console (layout: ../FORMAT.md, "Ops
 * stats (v1)"): one hash per preprocessor instance, rewritten whole about once a second, and an index of
 * instances by last update. Best-effort status, not data: a lost write is superseded by the next one,
 * and an instance that stops reporting ages out of the index.
 */
import { opsStatsKeys } from './keys';
import type { RedisConnection } from './redis-connection';

/** An instance that has not reported for this long leaves the index. */
const INSTANCE_RETENTION_MS = 24 * 3_600_000;

export interface QualityGateStats {
  /** open: examples flow to training; closed: the window crossed a threshold. */
  state: 'open' | 'closed';
  /**
   * ok / over_threshold / not_judged (fewer than `minEvents` events), for the window and per metric.
   * Absent in a report of an older preprocessor: readers derive it from the counts.
   */
  judgement?: 'ok' | 'over_threshold' | 'not_judged';
  metricJudgements?: Record<string, 'ok' | 'over_threshold' | 'not_judged'>;
  crossed: string[];
  ratios: Record<string, number>;
  thresholds: Record<string, number>;
  minEvents: number;
  eventsInWindow: number;
  windowStartMs: number;
  windowMs: number;
}

export interface PreprocessorOpsStats {
  instance: string;
  startedAtMs: number;
  updatedAtMs: number;
  eventsApplied: number;
  deadLetters: number;
  /** Event time of the newest event applied. */
  lastEventMs: number | undefined;
  /** Wall-clock time of the last batch that applied events. */
  lastAppliedAtMs: number | undefined;
  /** Receipt → features visible over the instance's recent batches. */
  freshness: { p50Ms: number; p99Ms: number; samples: number } | undefined;
  quality: QualityGateStats | undefined;
}

export class OpsStatsStore {
  constructor(private readonly redis: RedisConnection) {}

  /** Replaces the instance's hash and refreshes its place in the index (one transaction). */
  async writePreprocessor(stats: PreprocessorOpsStats): Promise<void> {
    const key = opsStatsKeys.preprocessor(stats.instance);
    const index = opsStatsKeys.preprocessorInstances();
    await this.redis.run('write ops stats', (client) =>
      client
        .multi()
        .del(key)
        .hset(key, encode(stats))
        .pexpire(key, INSTANCE_RETENTION_MS)
        .zadd(index, stats.updatedAtMs, stats.instance)
        .zremrangebyscore(index, '-inf', stats.updatedAtMs - INSTANCE_RETENTION_MS)
        .exec(),
    );
  }

  /** Instances that reported within `activeWithinMs` of `nowMs`, most recently updated first. */
  async readPreprocessors(options: {
    activeWithinMs: number;
    nowMs?: number;
  }): Promise<PreprocessorOpsStats[]> {
    const since = (options.nowMs ?? Date.now()) - options.activeWithinMs;
    const instances = await this.redis.run('list ops stats', (client) =>
      client.zrevrangebyscore(opsStatsKeys.preprocessorInstances(), '+inf', since),
    );
    if (instances.length === 0) return [];
    const replies = await this.redis.run('read ops stats', (client) => {
      const pipeline = client.pipeline();
      for (const instance of instances) pipeline.hgetall(opsStatsKeys.preprocessor(instance));
      return pipeline.exec();
    });
    return (replies ?? []).flatMap(([error, hash]) => {
      if (error) throw error;
      const decoded = decode(hash as Record<string, string>);
      return decoded === undefined ? [] : [decoded];
    });
  }
}

function encode(stats: PreprocessorOpsStats): Record<string, string> {
  const fields: Record<string, string> = {
    instance: stats.instance,
    started: String(stats.startedAtMs),
    updated: String(stats.updatedAtMs),
    applied: String(stats.eventsApplied),
    dead: String(stats.deadLetters),
  };
  if (stats.lastEventMs !== undefined) fields['last_event'] = String(stats.lastEventMs);
  if (stats.lastAppliedAtMs !== undefined) fields['last_applied'] = String(stats.lastAppliedAtMs);
  if (stats.freshness !== undefined) fields['fresh'] = JSON.stringify(stats.freshness);
  if (stats.quality !== undefined) fields['dq'] = JSON.stringify(stats.quality);
  return fields;
}

/** An expired or half-written hash (no instance name) reads as absent. */
function decode(hash: Record<string, string>): PreprocessorOpsStats | undefined {
  const instance = hash['instance'];
  if (instance === undefined) return undefined;
  const optionalNumber = (field: string) =>
    hash[field] === undefined ? undefined : Number(hash[field]);
  return {
    instance,
    startedAtMs: Number(hash['started'] ?? 0),
    updatedAtMs: Number(hash['updated'] ?? 0),
    eventsApplied: Number(hash['applied'] ?? 0),
    deadLetters: Number(hash['dead'] ?? 0),
    lastEventMs: optionalNumber('last_event'),
    lastAppliedAtMs: optionalNumber('last_applied'),
    freshness: parseJson(hash['fresh']) as PreprocessorOpsStats['freshness'],
    quality: parseJson(hash['dq']) as QualityGateStats | undefined,
  };
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
