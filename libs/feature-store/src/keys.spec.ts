import { featureKeys, utcDay } from './keys';

/** The part Redis Cluster hashes: the first non-empty `{…}` of a key. */
function hashTag(key: string): string {
  const match = /\{([^}]+)\}/.exec(key);
  return match ? match[1]! : key;
}

describe('featureKeys (FORMAT.md v1)', () => {
  it('puts every key of one user in the same cluster hash slot', () => {
    const keys = [
      featureKeys.userProfile('u_1'),
      featureKeys.userCategories('u_1'),
      featureKeys.userBrands('u_1'),
      featureKeys.userSequence('u_1'),
      featureKeys.userSessionItems('u_1'),
    ];
    expect(new Set(keys.map(hashTag))).toEqual(new Set(['u:u_1']));
  });

  it('puts an item and its co-visitation list in one slot, apart from users', () => {
    expect(hashTag(featureKeys.item('sku-1'))).toBe('i:sku-1');
    expect(hashTag(featureKeys.coVisitation('sku-1'))).toBe('i:sku-1');
  });

  it('versions every key under fs:v1:', () => {
    const keys = [
      featureKeys.userProfile('u'),
      featureKeys.item('i'),
      featureKeys.popularity(),
      featureKeys.popularityOfDay('20261128'),
      featureKeys.seen('e'),
      featureKeys.offset('g', 't', 0),
      featureKeys.qualityWindow(0),
    ];
    for (const key of keys) expect(key.startsWith('fs:v1:')).toBe(true);
  });

  it('names days in UTC', () => {
    expect(utcDay(Date.parse('2026-11-28T23:59:59+01:00'))).toBe('20261128');
    expect(utcDay(Date.parse('2026-11-29T00:30:00-01:00'))).toBe('20261129');
  });
});
