import { importDataset } from '../import/pipeline';
import {
  eventsOf,
  fixtureDir,
  isTimeOrdered,
  removeFixtureDirs,
  schemaFailures,
} from '../test/fixtures';

const ORIGINAL = {
  'yoochoose-clicks.dat': [
    '1,2014-04-07T10:51:09.277Z,214536502,0',
    '1,2014-04-07T10:54:09.868Z,214536500,S',
    '1,2014-04-07T10:54:46.998Z,214536506,3',
    '2,2014-04-07T13:56:37.614Z,214662742,2053641345',
    '2,yesterday,214662742,0',
    ',2014-04-07T13:56:37.614Z,214662742,0',
  ].join('\n'),
  'yoochoose-buys.dat': [
    '420374,2014-04-06T18:44:58.314Z,214537888,12462,1',
    '420374,2014-04-06T18:44:58.325Z,214537850,10471,2',
    '420374,2014-04-06T18:44:58.325Z,214537851,0,0',
    '281626,2014-04-06T09:40:13.032Z,214535653,1883,1',
    '281626,2014-04-06T09:40:13.032Z,214535653,-5,1',
  ].join('\n'),
};

const PREPARED = {
  'clicks-100k_train_full.txt': [
    'SessionId\tItemId\tTime',
    '3\t214716935\t1396437466.94',
    '3\t214832672\t1396438212.318',
  ].join('\n'),
  'clicks-100k_train_tr.txt': ['SessionId\tItemId\tTime', '3\t214716935\t1396437466.94'].join('\n'),
  'clicks-100k_test.txt': [
    'SessionId\tItemId\tTime',
    '1\t214536502\t1396860669.277',
    '1\t214536502\tnoon',
  ].join('\n'),
};

afterAll(removeFixtureDirs);

describe('YooChoose importer', () => {
  it('maps clicks to anonymous product views with the session as anonymous id and session id', async () => {
    const { records, report } = await importDataset({ dataset: 'auto', dir: fixtureDir(ORIGINAL) });
    const views = eventsOf(records).filter((event) => event.eventType === 'product_view');

    expect(report.dataset).toBe('yoochoose');
    expect(schemaFailures(records)).toEqual([]);
    expect(isTimeOrdered(records)).toBe(true);
    expect(views).toHaveLength(4);
    expect(
      views.find(
        (event) => event.eventId === `yc:c:1:214536506:${Date.parse('2014-04-07T10:54:46.998Z')}`,
      ),
    ).toMatchObject({
      anonymousId: 'yc:s:1',
      sessionId: 'yc:s:1',
      timestamp: '2014-04-07T10:54:46.998Z',
      categoryPath: ['category 3'],
    });
    expect(views.find((event) => event.itemId === '214536500')?.properties).toEqual({
      specialOffer: true,
    });
    expect(views.find((event) => event.itemId === '214662742')?.properties).toEqual({
      brandId: '2053641345',
    });
    expect(report.skipped['unreadable timestamp']?.count).toBe(1);
    expect(report.skipped['missing session or item id']?.count).toBe(1);
  });

  it('groups buys of one session and instant into one purchase whose revenue is the sum of its lines', async () => {
    const { records, report } = await importDataset({
      dataset: 'yoochoose',
      dir: fixtureDir(ORIGINAL),
    });
    const purchases = eventsOf(records).flatMap((event) =>
      event.eventType === 'purchase' ? [event] : [],
    );

    expect(
      purchases.map((purchase) => [purchase.timestamp, purchase.items.length, purchase.revenue]),
    ).toEqual([
      ['2014-04-06T09:40:13.032Z', 1, 1883],
      ['2014-04-06T18:44:58.314Z', 1, 12462],
      ['2014-04-06T18:44:58.325Z', 2, 20942],
    ]);
    expect(purchases[2]?.items).toEqual([
      { itemId: '214537850', quantity: 2, price: 10471 },
      { itemId: '214537851', quantity: 1, price: 0 },
    ]);
    expect(report.adjusted['buy quantity unknown (0): set to 1']?.count).toBe(1);
    expect(report.adjusted['buy price unknown (0): kept 0']?.count).toBe(1);
    expect(report.skipped['price or quantity is not a non-negative integer']?.count).toBe(1);
  });

  it('reads session-rec prepared files, only train_full and test, with exact millisecond times', async () => {
    const { records, report } = await importDataset({
      dataset: 'yoochoose',
      dir: fixtureDir(PREPARED),
    });

    expect(eventsOf(records).map((event) => event.timestamp)).toEqual([
      new Date(1396437466940).toISOString(),
      new Date(1396438212318).toISOString(),
      new Date(1396860669277).toISOString(),
    ]);
    expect(report.files.map((path) => path.split('/').at(-1))).toEqual([
      'clicks-100k_train_full.txt',
      'clicks-100k_test.txt',
    ]);
    expect(report.skipped['unreadable timestamp']?.count).toBe(1);
  });
});
