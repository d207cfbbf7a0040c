import { explorationSlots, seededRandom, withExploration } from './exploration';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: string) => {
      const random = seededRandom(seed);
      return [random(), random(), random()];
    };
    expect(draw('req-1')).toEqual(draw('req-1'));
    expect(draw('req-1')).not.toEqual(draw('req-2'));
    expect(draw('x').every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('is roughly uniform', () => {
    const random = seededRandom('uniform');
    const values = Array.from({ length: 10_000 }, random);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe('explorationSlots', () => {
  it('gives the whole part of share × k and the fraction by chance', () => {
    expect(explorationSlots(10, 0.2, () => 0.99)).toBe(2);
    expect(explorationSlots(10, 0.05, () => 0.4)).toBe(1);
    expect(explorationSlots(10, 0.05, () => 0.6)).toBe(0);
    expect(explorationSlots(10, 0, () => 0)).toBe(0);
  });

  it('averages share × k over many requests', () => {
    const random = seededRandom('slots');
    const total = Array.from({ length: 4000 }, () => explorationSlots(10, 0.05, random)).reduce(
      (sum, slots) => sum + slots,
      0,
    );
    expect(total / 4000).toBeGreaterThan(0.45);
    expect(total / 4000).toBeLessThan(0.55);
  });
});

describe('withExploration', () => {
  const list = ['r0', 'r1', 'r2', 'r3', 'r4'];
  const pool = ['n0', 'n1', 'n2'];

  it('inserts picks after the first item, dropping the ranked tail to stay within k', () => {
    const result = withExploration({ list, pool, k: 5, share: 0.4, random: seededRandom('a') });
    expect(result.list).toHaveLength(5);
    expect(result.list[0]).toBe('r0');
    expect(result.explored).toHaveLength(2);
    expect(result.explored.every((item) => result.list.includes(item))).toBe(true);
    expect(result.list.filter((item) => item.startsWith('r'))).toEqual(['r0', 'r1', 'r2']);
  });

  it('is deterministic per seed', () => {
    const run = (seed: string) =>
      withExploration({ list, pool, k: 5, share: 0.4, random: seededRandom(seed) }).list;
    expect(run('same')).toEqual(run('same'));
  });

  it('does nothing with an empty pool, a list of one, or no share', () => {
    const random = seededRandom('b');
    expect(withExploration({ list, pool: [], k: 5, share: 0.4, random }).list).toEqual(list);
    expect(withExploration({ list: ['r0'], pool, k: 1, share: 0.5, random }).list).toEqual(['r0']);
    expect(withExploration({ list, pool, k: 5, share: 0, random }).explored).toEqual([]);
  });
});
