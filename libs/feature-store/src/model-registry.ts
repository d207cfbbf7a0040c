/**
 * The model registry on Redis (layout: ../FORMAT.md, "Model registry (v1)"): every trained version's
 * artifacts (topology, weight specs, weight bytes, metadata) and its summary, plus which version is the
 * champion and the history of promotions. Every scorer replica loads the same bytes from here, so no
 * shared disk is needed. It satisfies libs/model's `ModelArtifactStore` structurally (put/get by key),
 * without importing it: the Redis adapter stays independent of TensorFlow.js.
 */
import { AppError, type ModelPublishedV1 } from '@recsys/contracts';
import { modelRegistryKeys, modelRegistryKeysV1 } from './keys';
import type { RedisConnection } from './redis-connection';

export interface StoredModelArtifacts<M = unknown> {
  topology: unknown;
  weightSpecs: unknown[];
  weightData: Uint8Array;
  metadata: M;
}

export type ModelVersionStatus = 'candidate' | 'champion' | 'retired' | 'rejected';

/** What the registry knows about one version without loading its weights. */
export interface ModelVersionRecord {
  version: string;
  kind: string;
  createdAt: string;
  featureSpecVersion: number;
  /** Held-out metrics of this version (and the baselines on the same split, prefixed `baseline.`). */
  metrics: Record<string, number>;
  status: ModelVersionStatus;
  parentVersion?: string;
  trainingWindow?: { fromMs: number; toMs: number; examples: number };
  /** Why it was rejected or promoted. */
  note?: string;
}

export type PromotionReason = 'beat_champion' | 'manual_promote' | 'rollback' | 'first_model';

export interface PromotionRecord {
  version: string;
  previousVersion?: string;
  reason: PromotionReason;
  at: string;
}

/** Sets the champion, marks the old one retired and the new one champion, and records history — atomically. */
const PROMOTE_LUA = `
local versions, champion, history = KEYS[1], KEYS[2], KEYS[3]
local version, entry_json, now = ARGV[1], ARGV[2], ARGV[3]
local raw = redis.call('HGET', versions, version)
if not raw then return {err = 'MODEL_VERSION_UNKNOWN ' .. version} end
local previous = redis.call('GET', champion)
if previous and previous ~= version then
  local old = redis.call('HGET', versions, previous)
  if old then
    local record = cjson.decode(old)
    record.status = 'retired'
    redis.call('HSET', versions, previous, cjson.encode(record))
  end
end
local record = cjson.decode(raw)
record.status = 'champion'
redis.call('HSET', versions, version, cjson.encode(record))
redis.call('SET', champion, version)
redis.call('LPUSH', history, entry_json)
redis.call('LTRIM', history, 0, 199)
return previous or false
`;

export class RedisModelRegistry {
  constructor(
    private readonly redis: RedisConnection,
    readonly modelName: string,
  ) {
    redis.client.defineCommand('recsysPromoteModel', { numberOfKeys: 3, lua: PROMOTE_LUA });
  }

  /** Stores one version's artifacts under `key` (the version). */
  async put<M>(key: string, artifacts: StoredModelArtifacts<M>): Promise<void> {
    await this.redis.run('store model artifacts', (client) =>
      client.hset(modelRegistryKeys.artifacts(this.modelName, key), {
        topology: JSON.stringify(artifacts.topology),
        weightSpecs: JSON.stringify(artifacts.weightSpecs),
        weights: Buffer.from(
          artifacts.weightData.buffer,
          artifacts.weightData.byteOffset,
          artifacts.weightData.byteLength,
        ),
        metadata: JSON.stringify(artifacts.metadata),
      }),
    );
  }

  async get<M>(key: string): Promise<StoredModelArtifacts<M> | undefined> {
    const hash = await this.redis.run('load model artifacts', (client) =>
      client.hgetallBuffer(modelRegistryKeys.artifacts(this.modelName, key)),
    );
    const { topology, weightSpecs, weights, metadata } = hash;
    if (!topology || !weightSpecs || !weights || !metadata) return undefined;
    return {
      topology: JSON.parse(topology.toString('utf8')) as unknown,
      weightSpecs: JSON.parse(weightSpecs.toString('utf8')) as unknown[],
      weightData: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
      metadata: JSON.parse(metadata.toString('utf8')) as M,
    };
  }

  /** Records a version's summary (after its artifacts were stored). */
  async register(record: ModelVersionRecord): Promise<void> {
    await this.redis.run('register model version', (client) =>
      client
        .multi()
        .hset(modelRegistryKeys.versions(this.modelName), record.version, JSON.stringify(record))
        .zadd(
          modelRegistryKeys.created(this.modelName),
          Date.parse(record.createdAt),
          record.version,
        )
        .exec(),
    );
  }

  async version(version: string): Promise<ModelVersionRecord | undefined> {
    const raw = await this.redis.run('read model version', (client) =>
      client.hget(modelRegistryKeys.versions(this.modelName), version),
    );
    return raw === null ? undefined : (JSON.parse(raw) as ModelVersionRecord);
  }

  /** Newest first. */
  async listVersions(limit = 50): Promise<ModelVersionRecord[]> {
    const versions = await this.redis.run('list model versions', (client) =>
      client.zrevrange(modelRegistryKeys.created(this.modelName), 0, limit - 1),
    );
    if (versions.length === 0) return [];
    const raws = await this.redis.run('read model versions', (client) =>
      client.hmget(modelRegistryKeys.versions(this.modelName), ...versions),
    );
    return raws
      .filter((raw): raw is string => raw !== null)
      .map((raw) => JSON.parse(raw) as ModelVersionRecord);
  }

  async updateStatus(version: string, status: ModelVersionStatus, note?: string): Promise<void> {
    const record = await this.version(version);
    if (record === undefined) throw unknownVersion(version);
    await this.register({ ...record, status, ...(note === undefined ? {} : { note }) });
  }

  async champion(): Promise<string | undefined> {
    const value = await this.redis.run('read champion', (client) =>
      client.get(modelRegistryKeys.champion(this.modelName)),
    );
    return value ?? undefined;
  }

  /** Makes `version` the champion; returns the promotion as recorded in the history. */
  async promote(
    version: string,
    reason: PromotionReason,
    nowMs = Date.now(),
  ): Promise<PromotionRecord> {
    const current = await this.champion();
    const entry: PromotionRecord = {
      version,
      ...(current === undefined || current === version ? {} : { previousVersion: current }),
      reason,
      at: new Date(nowMs).toISOString(),
    };
    try {
      await this.redis.run('promote model', (client) =>
        (client as unknown as PromoteClient).recsysPromoteModel(
          modelRegistryKeys.versions(this.modelName),
          modelRegistryKeys.champion(this.modelName),
          modelRegistryKeys.history(this.modelName),
          version,
          JSON.stringify(entry),
          entry.at,
        ),
      );
    } catch (error) {
      if (String(error).includes('MODEL_VERSION_UNKNOWN')) throw unknownVersion(version);
      throw error;
    }
    return entry;
  }

  /** Newest first. */
  async history(limit = 50): Promise<PromotionRecord[]> {
    const raws = await this.redis.run('read promotion history', (client) =>
      client.lrange(modelRegistryKeys.history(this.modelName), 0, limit - 1),
    );
    return raws.map((raw) => JSON.parse(raw) as PromotionRecord);
  }

  /** Makes the champion before the current one champion again (recorded as a rollback). */
  async rollback(nowMs = Date.now()): Promise<PromotionRecord> {
    const current = await this.champion();
    const previous = (await this.history(200)).find(
      (entry) => entry.version === current,
    )?.previousVersion;
    if (current === undefined || previous === undefined) {
      throw new AppError(
        'MODEL_ROLLBACK_UNAVAILABLE',
        'there is no earlier champion to roll back to',
      );
    }
    return this.promote(previous, 'rollback', nowMs);
  }

  /**
   * Copies a registry of format v1 (keys without a hash tag, before v2) into this format when this one is
   * still empty, so an upgrade keeps its champion and history; the v1 keys stay until an operator deletes
   * them. Key by key (DUMP, RESTORE), so it also runs where the v1 keys sit in other slots. Returns the
   * number of keys copied (0: nothing to copy, or already copied).
   */
  async copyFromV1(): Promise<number> {
    const name = this.modelName;
    const [ownVersions, oldVersions] = await this.redis.run('look for a v1 registry', (client) =>
      Promise.all([
        client.hlen(modelRegistryKeys.versions(name)),
        client.hkeys(modelRegistryKeysV1.versions(name)),
      ]),
    );
    if (ownVersions > 0 || oldVersions.length === 0) return 0;
    const pairs: Array<[from: string, to: string]> = [
      ...oldVersions.map((version): [string, string] => [
        modelRegistryKeysV1.artifacts(name, version),
        modelRegistryKeys.artifacts(name, version),
      ]),
      [modelRegistryKeysV1.created(name), modelRegistryKeys.created(name)],
      [modelRegistryKeysV1.champion(name), modelRegistryKeys.champion(name)],
      [modelRegistryKeysV1.history(name), modelRegistryKeys.history(name)],
      // The summaries last: a copy cut short is found empty and runs again.
      [modelRegistryKeysV1.versions(name), modelRegistryKeys.versions(name)],
    ];
    let copied = 0;
    for (const [from, to] of pairs) {
      const dumped = await this.redis.run('read a v1 registry key', (client) =>
        client.dumpBuffer(from),
      );
      if (dumped === null) continue;
      await this.redis.run('copy a v1 registry key', (client) =>
        client.restore(to, 0, dumped, 'REPLACE'),
      );
      copied += 1;
    }
    return copied;
  }

  /** Deletes the artifacts (not the summaries) of all but the newest `keep` versions, never the champion. */
  async pruneArtifacts(keep: number): Promise<string[]> {
    const champion = await this.champion();
    const stale = await this.redis.run('list stale model versions', (client) =>
      client.zrevrange(modelRegistryKeys.created(this.modelName), keep, -1),
    );
    const removable = stale.filter((version) => version !== champion);
    for (const version of removable) {
      await this.redis.run('delete model artifacts', (client) =>
        client.unlink(modelRegistryKeys.artifacts(this.modelName, version)),
      );
    }
    return removable;
  }
}

interface PromoteClient {
  recsysPromoteModel(...args: string[]): Promise<string | null>;
}

function unknownVersion(version: string): AppError {
  return new AppError('MODEL_VERSION_UNKNOWN', `model version ${version} is not in the registry`);
}

/** The `models.published.v1` announcement of a promotion, so scorers load the new champion. */
export function modelPublishedEventOf(
  modelName: string,
  record: ModelVersionRecord,
  promotion: PromotionRecord,
): ModelPublishedV1 {
  return {
    schemaVersion: 1,
    modelName,
    version: record.version,
    ...(promotion.previousVersion ? { previousVersion: promotion.previousVersion } : {}),
    registryKey: record.version,
    featureSpecVersion: record.featureSpecVersion,
    metrics: record.metrics,
    reason: promotion.reason,
    publishedAt: promotion.at,
  };
}
