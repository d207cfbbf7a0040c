import { InMemoryRecommendationReader } from './in-memory-reader';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-28T12:00:00Z');

describe('InMemoryRecommendationReader', () => {
  it('reads an unknown user, item and list as empty', async () => {
    const reader = new InMemoryRecommendationReader();
    expect(await reader.readUser('nobody')).toEqual({
      profile: {},
      categoryAffinity: {},
      brandAffinity: {},
      sequence: [],
    });
    expect([...(await reader.readItems(['x']))]).toEqual([['x', {}]]);
    expect([...(await reader.readNeighbours(['x'], 5))]).toEqual([['x', []]]);
    expect(await reader.readShownCounts('nobody')).toEqual(new Map());
    expect(await reader.readPurchased('nobody')).toEqual(new Set());
  });

  it('orders lists strongest first, ties by id descending like ZREVRANGE, within the limit', async () => {
    const reader = new InMemoryRecommendationReader()
      .addPopularity('a', 5, NOW)
      .addPopularity('b', 5)
      .addPopularity('c', 9, NOW - DAY);
    const lists = await reader.readLists({
      popular: 2,
      today: { limit: 10, dayMs: NOW },
      newest: 5,
    });
    expect(lists.popular).toEqual([
      { itemId: 'c', weight: 9 },
      { itemId: 'b', weight: 5 },
    ]);
    expect(lists.today).toEqual([{ itemId: 'a', weight: 5 }]);
  });

  it('lists the newest items by first-seen time', async () => {
    const reader = new InMemoryRecommendationReader()
      .setItem('old', { title: 'Old' }, NOW - DAY)
      .setItem('new', { title: 'New' }, NOW)
      .setItem('unlisted', { title: 'No date' });
    const lists = await reader.readLists({
      popular: 0,
      today: { limit: 0, dayMs: NOW },
      newest: 5,
    });
    expect(lists.newest.map((entry) => entry.itemId)).toEqual(['new', 'old']);
  });

  it('lists the popular items of an exact category path, or offers no such lists when told', async () => {
    const reader = new InMemoryRecommendationReader()
      .setItem('a', { cat: 'Shoes > Trail' })
      .setItem('b', { cat: 'Shoes > Trail > Kids' })
      .setItem('c', { cat: 'Shoes > Trail' })
      .addPopularity('a', 1)
      .addPopularity('b', 9)
      .addPopularity('c', 5);
    const lists = await reader.readCategoryPopular!(['Shoes > Trail', 'Books'], 5);
    expect(lists.get('Shoes > Trail')).toEqual([
      { itemId: 'c', weight: 5 },
      { itemId: 'a', weight: 1 },
    ]);
    expect(lists.get('Books')).toEqual([]);
    expect(
      new InMemoryRecommendationReader({ categoryLists: false }).readCategoryPopular,
    ).toBeUndefined();
  });

  it('keeps co-visitation symmetric and cumulative', async () => {
    const reader = new InMemoryRecommendationReader()
      .addCoVisitation('a', 'b', 1)
      .addCoVisitation('b', 'a', 3)
      .addCoVisitation('a', 'c', 2);
    const neighbours = await reader.readNeighbours(['a', 'b'], 1);
    expect(neighbours.get('a')).toEqual([{ itemId: 'b', weight: 4 }]);
    expect(neighbours.get('b')).toEqual([{ itemId: 'a', weight: 4 }]);
  });

  it('counts showings and clicks per user, and purchases', async () => {
    const reader = new InMemoryRecommendationReader()
      .recordShown('u', ['a', 'a', 'b'])
      .recordClick('u', 'b')
      .recordPurchase('u', 'z');
    expect(await reader.readShownCounts('u')).toEqual(
      new Map([
        ['a', { shown: 2, clicked: 0 }],
        ['b', { shown: 1, clicked: 1 }],
      ]),
    );
    expect(await reader.readPurchased('u')).toEqual(new Set(['z']));
  });

  it('hands out copies, so callers cannot change its state', async () => {
    const reader = new InMemoryRecommendationReader().setUser('u', {
      profile: {},
      categoryAffinity: {},
      brandAffinity: {},
      sequence: ['a'],
    });
    (await reader.readUser('u')).sequence.push('b');
    expect((await reader.readUser('u')).sequence).toEqual(['a']);
  });

  it('logs every call in order', async () => {
    const reader = new InMemoryRecommendationReader();
    await reader.readUser('u');
    await reader.readItems(['a']);
    expect(reader.calls).toEqual([
      { method: 'readUser', userKey: 'u' },
      { method: 'readItems', itemIds: ['a'] },
    ]);
  });
});
