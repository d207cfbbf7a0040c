import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as keyModule from './keys';
import { featureKeys, utcDay } from './keys';

/** The part Redis Cluster hashes: the first non-empty `{…}` of a key. */
function hashTag(key: string): string {
  const match = /\{([^}]+)\}/.exec(key);
  return match ? match[1]! : key;
}

describe('featureKeys (FORMAT.md v2)', () => {
  it('puts every key of one user in the same cluster hash slot', () => {
    const keys = [
      featureKeys.userProfile('u_1'),
      featureKeys.userCategories('u_1'),
      featureKeys.userBrands('u_1'),
      featureKeys.userSequence('u_1'),
      featureKeys.userSessionItems('u_1'),
      featureKeys.userShown('u_1'),
      featureKeys.userPurchased('u_1'),
      featureKeys.userImpressions('u_1'),
      featureKeys.userGuard('u_1'),
    ];
    expect(new Set(keys.map(hashTag))).toEqual(new Set(['u:u_1']));
  });

  it('puts an item and its co-visitation list in one slot, apart from users', () => {
    expect(hashTag(featureKeys.item('sku-1'))).toBe('i:sku-1');
    expect(hashTag(featureKeys.coVisitation('sku-1'))).toBe('i:sku-1');
    expect(hashTag(featureKeys.itemGuard('sku-1'))).toBe('i:sku-1');
  });

  it('puts every shared aggregate of one source shard, and its guard, in one slot', () => {
    const shard = 'events.raw.v1:3';
    const keys = [
      featureKeys.popularity(shard),
      featureKeys.popularityOfDay(shard, '20261128'),
      featureKeys.popularityOfCategory(shard, 'Shoes > Running'),
      featureKeys.qualityWindow(shard, 0),
      featureKeys.shardGuard(shard),
    ];
    expect(new Set(keys.map(hashTag))).toEqual(new Set([`s:${shard}`]));
  });

  it('versions every key under fs:v2:', () => {
    const keys = [
      featureKeys.userProfile('u'),
      featureKeys.item('i'),
      featureKeys.popularity('s'),
      featureKeys.popularityOfDay('s', '20261128'),
      featureKeys.qualityWindow('s', 0),
      featureKeys.shards(),
      featureKeys.newItems(),
    ];
    for (const key of keys) expect(key.startsWith('fs:v2:')).toBe(true);
  });

  it('names days in UTC', () => {
    expect(utcDay(Date.parse('2026-11-28T23:59:59+01:00'))).toBe('20261128');
    expect(utcDay(Date.parse('2026-11-29T00:30:00-01:00'))).toBe('20261129');
  });
});

/**
 * FORMAT.md promises to list every key. Each builder exported by keys.ts is called with a placeholder
 * for every argument and its key compared, placeholders aside, with the key patterns in FORMAT.md's
 * tables (`<userKey>`, `<windowStartMs>`… each stand for one argument).
 */
describe('FORMAT.md lists every key keys.ts builds', () => {
  const PLACEHOLDER = '<>';
  /** Builders taking several parts of a documented key as one argument, and what that argument is. */
  const COMPOSITE_ARGUMENTS: Record<string, string[]> = {};
  const normalise = (pattern: string) => pattern.replace(/<[^>]*>/g, PLACEHOLDER);

  function documentedPatterns(): Set<string> {
    const format = readFileSync(join(__dirname, '..', 'FORMAT.md'), 'utf8');
    const firstCells = format.matchAll(/^\|\s*`([^`]+)`\s*\|/gm);
    return new Set([...firstCells].map((match) => normalise(match[1]!)));
  }

  function builtPatterns(): Array<{ builder: string; pattern: string }> {
    return keyFamilies().flatMap(([family, builders]) =>
      Object.entries(builders)
        .filter((entry): entry is [string, (...args: string[]) => string] => {
          return typeof entry[1] === 'function';
        })
        .map(([name, build]) => ({
          builder: `${family}.${name}`,
          pattern: build(
            ...(COMPOSITE_ARGUMENTS[`${family}.${name}`] ??
              Array.from({ length: build.length }, () => PLACEHOLDER)),
          ),
        })),
    );
  }

  it('finds the key families and FORMAT.md tables it compares', () => {
    const families = keyFamilies();
    expect(families.map(([name]) => name).sort()).toEqual(
      expect.arrayContaining([
        'experimentKeys',
        'featureKeys',
        'modelRegistryKeys',
        'opsStatsKeys',
        'privacyKeys',
        'rateLimitKeys',
      ]),
    );
    expect(documentedPatterns().size).toBeGreaterThan(30);
  });

  it('has a FORMAT.md row for the key of every builder', () => {
    const documented = documentedPatterns();
    const undocumented = builtPatterns().filter(({ pattern }) => !documented.has(pattern));
    expect(undocumented).toEqual([]);
  });

  it('has a builder for every key FORMAT.md lists', () => {
    const built = new Set(builtPatterns().map(({ pattern }) => pattern));
    expect([...documentedPatterns()].filter((pattern) => !built.has(pattern))).toEqual([]);
  });
});

/** Every exported object of key builders (`featureKeys`, `privacyKeys`, …) by its name. */
function keyFamilies(): Array<[string, Record<string, unknown>]> {
  const exported: Array<[string, unknown]> = Object.entries(keyModule);
  return exported.filter((entry): entry is [string, Record<string, unknown>] =>
    isKeyFamily(entry[1]),
  );
}

/** An exported object of key builders (`featureKeys`, `privacyKeys`, …). */
function isKeyFamily(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).some((member) => typeof member === 'function')
  );
}
