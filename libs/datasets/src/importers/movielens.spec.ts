import { importDataset } from '../import/pipeline';
import {
  eventsOf,
  fixtureDir,
  isTimeOrdered,
  itemsOf,
  removeFixtureDirs,
  schemaFailures,
} from '../test/fixtures';

const FLAGS = (genres: number[]) =>
  Array.from({ length: 19 }, (_, index) => (genres.includes(index) ? '1' : '0')).join('|');

const ML100K = {
  'u.data': [
    '1\t10\t4\t881250949',
    '1\t20\t5\t881251949', // 1,000 s later: same session
    '1\t30\t3\t881260000', // 8,051 s after the previous: new session
    '2\t10\t4.5\t881250000',
    '2\t10\t9\t881250000', // rating out of range
    '2\t10\t3', // missing field
    '3\t10\t2\tyesterday', // bad timestamp
  ].join('\n'),
  'u.item': Buffer.from(
    [
      `10|Café au lait (1994)|01-Jan-1994||http://us.imdb.com/M/title-exact?Cafe|${FLAGS([5, 8])}`,
      `20|Unknown genre film (1995)|01-Jan-1995||http://x|${FLAGS([0])}`,
      '30|Broken row|01-Jan-1995',
    ].join('\n'),
    'latin1',
  ),
};

const ML1M = {
  'ratings.dat': ['1::1193::5::978300760', '1::661::3::978302109', '2::1193::0::978300000'].join(
    '\n',
  ),
  'movies.dat': Buffer.from(
    [
      '1193::One Flew Over the Cuckoo’s Nest (1975)::Drama',
      "661::James and the Giant Peach (1996)::Animation|Children's|Musical",
    ]
      .join('\n')
      .replace('’', "'"),
    'latin1',
  ),
};

afterAll(removeFixtureDirs);

describe('MovieLens importer', () => {
  it('maps ml-100k ratings to rating events and movies (latin-1) to items, counting bad rows by reason', async () => {
    const { records, report } = await importDataset({
      dataset: 'movielens',
      dir: fixtureDir(ML100K),
    });

    expect(schemaFailures(records)).toEqual([]);
    expect(isTimeOrdered(records)).toBe(true);
    expect(report.records).toEqual({ item: 2, rating: 4 });
    expect(
      Object.fromEntries(
        Object.entries(report.skipped).map(([reason, entry]) => [reason, entry.count]),
      ),
    ).toEqual({
      'rating outside 0.5..5': 1,
      'expected 4 fields: user, item, rating, timestamp': 1,
      'timestamp is not unix seconds': 1,
      'expected 24 fields in u.item': 1,
    });
    expect(report.skipped['rating outside 0.5..5']?.firstAt).toBe('u.data:5');
    const [cafe, unknownGenre] = itemsOf(records);
    expect(cafe).toMatchObject({
      itemId: '10',
      title: 'Café au lait (1994)',
      categoryPath: ['Movies', 'Comedy'],
      price: 0,
      currency: 'XXX',
    });
    expect(cafe?.attributes).toMatchObject({ genres: 'Comedy|Drama', releaseDate: '01-Jan-1994' });
    expect(unknownGenre?.categoryPath).toEqual(['Movies']);
  });

  it('keeps the source timestamps and derives sessions by a 30-minute inactivity gap', async () => {
    const { records } = await importDataset({ dataset: 'movielens', dir: fixtureDir(ML100K) });
    const userOne = eventsOf(records).filter((event) => event.userId === '1');

    expect(userOne.map((event) => event.timestamp)).toEqual([
      new Date(881250949_000).toISOString(),
      new Date(881251949_000).toISOString(),
      new Date(881260000_000).toISOString(),
    ]);
    expect(userOne[0]?.sessionId).toBe(userOne[1]?.sessionId);
    expect(userOne[2]?.sessionId).not.toBe(userOne[1]?.sessionId);
    expect(
      itemsOf(records).every((item) => item.updatedAt === new Date(881250000_000).toISOString()),
    ).toBe(true);
  });

  it('gives the same event and session ids on every import', async () => {
    const dir = fixtureDir(ML100K);
    const first = await importDataset({ dataset: 'auto', dir });
    const second = await importDataset({ dataset: 'auto', dir });

    expect(JSON.stringify(second.records)).toBe(JSON.stringify(first.records));
    expect(eventsOf(first.records)[0]?.eventId).toBe('ml100k:r:2:10:881250000');
  });

  it('reads the ml-1m "::" layout and keeps half-star ratings out of range as skipped rows', async () => {
    const { records, report } = await importDataset({ dataset: 'auto', dir: fixtureDir(ML1M) });

    expect(report.dataset).toBe('movielens');
    expect(report.records).toEqual({ item: 2, rating: 2 });
    expect(report.skipped['rating outside 0.5..5']?.count).toBe(1);
    expect(itemsOf(records).find((item) => item.itemId === '661')).toMatchObject({
      categoryPath: ['Movies', 'Animation'],
      attributes: { genres: "Animation|Children's|Musical" },
    });
  });

  it('stops after --limit interaction rows and then emits only the items those rows name', async () => {
    const { records } = await importDataset({
      dataset: 'movielens',
      dir: fixtureDir(ML100K),
      limit: 1,
    });

    expect(eventsOf(records)).toHaveLength(1);
    expect(itemsOf(records).map((item) => item.itemId)).toEqual(['10']);
  });
});
