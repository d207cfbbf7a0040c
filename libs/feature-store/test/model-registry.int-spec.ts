import { AppError } from '@recsys/contracts';
import { integrationEnvironment, redisTargets, testNamespace } from '@recsys/testing';
import { RedisConnection, RedisModelRegistry, type ModelVersionRecord } from '../src';
import { modelRegistryKeysV1 } from '../src/keys';

const record = (version: string, createdAt: string): ModelVersionRecord => ({
  version,
  kind: 'sequence_ranker',
  createdAt,
  featureSpecVersion: 1,
  metrics: { auc: 0.7 },
  status: 'candidate',
});

describe.each(redisTargets(integrationEnvironment()))('RedisModelRegistry on $name', (target) => {
  const namespace = testNamespace('model-registry');
  const redis = new RedisConnection(target.config(namespace.redisKeyPrefix));
  const registry = new RedisModelRegistry(redis, 'ranker');

  beforeAll(() => redis.connect());
  afterAll(() => redis.disconnect());

  it('stores artifacts byte for byte, weights included', async () => {
    const weightData = new Uint8Array(new Float32Array([0.5, -1.25, 3e-7, 1e9]).buffer);
    const artifacts = {
      topology: { class_name: 'Model', layers: [{ name: 'dense' }] },
      weightSpecs: [{ name: 'dense/kernel', shape: [2, 2], dtype: 'float32' }],
      weightData,
      metadata: { version: 'v1', vocabulary: ['a', 'b'] },
    };
    await registry.put('v1', artifacts);
    const loaded = await registry.get<typeof artifacts.metadata>('v1');
    expect(loaded?.topology).toEqual(artifacts.topology);
    expect(loaded?.weightSpecs).toEqual(artifacts.weightSpecs);
    expect(loaded?.metadata).toEqual(artifacts.metadata);
    expect(Array.from(new Float32Array(loaded!.weightData.slice().buffer))).toEqual(
      Array.from(new Float32Array(weightData.buffer)),
    );
    expect(await registry.get('missing')).toBeUndefined();
  });

  it('promotes, keeps history, marks statuses and rolls back to the previous champion', async () => {
    await registry.register(record('v1', '2026-11-29T10:00:00.000Z'));
    await registry.register(record('v2', '2026-11-29T11:00:00.000Z'));
    expect(await registry.champion()).toBeUndefined();

    expect(await registry.promote('v1', 'first_model')).toMatchObject({ version: 'v1' });
    const second = await registry.promote('v2', 'beat_champion');
    expect(second).toMatchObject({ version: 'v2', previousVersion: 'v1' });
    expect(await registry.champion()).toBe('v2');
    expect((await registry.version('v1'))?.status).toBe('retired');
    expect((await registry.version('v2'))?.status).toBe('champion');

    const rolledBack = await registry.rollback();
    expect(rolledBack).toMatchObject({ version: 'v1', previousVersion: 'v2', reason: 'rollback' });
    expect(await registry.champion()).toBe('v1');
    expect((await registry.history()).map((entry) => entry.reason)).toEqual([
      'rollback',
      'beat_champion',
      'first_model',
    ]);
    expect((await registry.listVersions()).map((version) => version.version)).toEqual(['v2', 'v1']);
  });

  it('refuses to promote an unknown version and to roll back without an earlier champion', async () => {
    const fresh = new RedisModelRegistry(redis, 'fresh');
    await expect(fresh.promote('nope', 'manual_promote')).rejects.toMatchObject({
      code: 'MODEL_VERSION_UNKNOWN',
    });
    await fresh.register(record('only', '2026-11-29T10:00:00.000Z'));
    await fresh.promote('only', 'first_model');
    await expect(fresh.rollback()).rejects.toBeInstanceOf(AppError);
  });

  it('prunes old artifacts but never the champion', async () => {
    const pruning = new RedisModelRegistry(redis, 'pruning');
    const bytes = { topology: {}, weightSpecs: [], weightData: new Uint8Array([1]), metadata: {} };
    for (const [index, version] of ['p1', 'p2', 'p3'].entries()) {
      await pruning.put(version, bytes);
      await pruning.register(
        record(version, new Date(Date.UTC(2026, 10, 29, index)).toISOString()),
      );
    }
    await pruning.promote('p1', 'first_model');
    expect(await pruning.pruneArtifacts(1)).toEqual(['p2']);
    expect(await pruning.get('p1')).toBeDefined();
    expect(await pruning.get('p2')).toBeUndefined();
    expect(await pruning.get('p3')).toBeDefined();
  });

  it('copies a registry of format v1 once, champion, history and weights included', async () => {
    const name = 'upgraded';
    const v1 = modelRegistryKeysV1;
    const old = record('u1', '2026-11-29T10:00:00.000Z');
    const promotion = { version: 'u1', reason: 'first_model', at: '2026-11-29T10:05:00.000Z' };
    await redis.client.hset(v1.artifacts(name, 'u1'), {
      topology: '{"class_name":"Model"}',
      weightSpecs: '[]',
      weights: Buffer.from([1, 2, 3, 4]),
      metadata: '{"version":"u1"}',
    });
    await redis.client.hset(
      v1.versions(name),
      'u1',
      JSON.stringify({ ...old, status: 'champion' }),
    );
    await redis.client.zadd(v1.created(name), Date.parse(old.createdAt), 'u1');
    await redis.client.set(v1.champion(name), 'u1');
    await redis.client.lpush(v1.history(name), JSON.stringify(promotion));
    const upgraded = new RedisModelRegistry(redis, name);

    expect(await upgraded.copyFromV1()).toBe(5);

    expect(await upgraded.champion()).toBe('u1');
    expect(await upgraded.history()).toEqual([promotion]);
    expect((await upgraded.listVersions()).map((version) => version.status)).toEqual(['champion']);
    expect(Array.from((await upgraded.get('u1'))!.weightData)).toEqual([1, 2, 3, 4]);
    // Promoting in the new format works (one slot on a cluster), and a second copy changes nothing.
    await upgraded.register(record('u2', '2026-11-29T11:00:00.000Z'));
    await upgraded.promote('u2', 'beat_champion');
    expect(await upgraded.copyFromV1()).toBe(0);
    expect(await upgraded.champion()).toBe('u2');
  });
});
