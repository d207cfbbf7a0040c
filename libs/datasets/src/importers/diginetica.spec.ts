import { importDataset } from '../import/pipeline';
import {
  eventsOf,
  fixtureDir,
  isTimeOrdered,
  itemsOf,
  removeFixtureDirs,
  schemaFailures,
} from '../test/fixtures';

const FILES = {
  'train-item-views.csv': [
    'session_id;user_id;item_id;timeframe;eventdate',
    '1;NA;81766;551953;2016-03-20',
    '1;NA;31331;728961;2016-03-21', // the session crossed midnight
    '2;42;32118;243569;2016-05-09',
    '3;NA;;1000;2016-05-09',
    '4;NA;5;soon;2016-05-09',
  ].join('\n'),
  'train-purchases.csv': [
    'sessionId;userId;timeframe;eventdate;ordernumber;itemId',
    '2;42;300000;2016-05-09;16421;32118',
    '2;42;300500;2016-05-09;16421;32118',
    '2;42;300900;2016-05-09;16421;999',
    '9;NA;100;2016-05-10;16421;1',
    '10;NA;100;2016-05-10;;1',
  ].join('\n'),
  'product-categories.csv': [
    'itemId;categoryId',
    '81766;1096',
    '32118;243',
    '31331;7',
    '555;1',
  ].join('\n'),
  'products.csv': ['itemId;pricelog2;product.name.tokens', '32118;5;4978,2917', '999;x;1'].join(
    '\n',
  ),
};

afterAll(removeFixtureDirs);

describe('Diginetica importer', () => {
  it('places every event on its published day, keeping in-session offsets exact', async () => {
    const { records, report } = await importDataset({ dataset: 'auto', dir: fixtureDir(FILES) });
    const sessionOne = eventsOf(records).filter((event) => event.sessionId === 'dg:s:1');

    expect(report.dataset).toBe('diginetica');
    expect(schemaFailures(records)).toEqual([]);
    expect(isTimeOrdered(records)).toBe(true);
    expect(sessionOne.map((event) => event.timestamp.slice(0, 10))).toEqual([
      '2016-03-20',
      '2016-03-21',
    ]);
    const [first, second] = sessionOne.map((event) => Date.parse(event.timestamp));
    expect((second ?? 0) - (first ?? 0)).toBe(728961 - 551953);
    expect(sessionOne[0]).toMatchObject({
      anonymousId: 'dg:s:1',
      itemId: '81766',
      categoryPath: ['1096'],
    });
    expect(sessionOne[0]?.userId).toBeUndefined();
  });

  it('keeps known users, prices from pricelog2 and one purchase per ordernumber', async () => {
    const { records, report } = await importDataset({
      dataset: 'diginetica',
      dir: fixtureDir(FILES),
    });
    const events = eventsOf(records);
    const purchase = events.find((event) => event.eventType === 'purchase');

    expect(
      events.find((event) => event.eventType === 'product_view' && event.itemId === '32118'),
    ).toMatchObject({
      userId: '42',
      price: 32,
      currency: 'XXX',
    });
    expect(purchase).toMatchObject({
      orderId: '16421',
      userId: '42',
      items: [
        { itemId: '32118', quantity: 2, price: 32 },
        { itemId: '999', quantity: 1, price: 0 },
      ],
      revenue: 64,
    });
    const skipped = Object.fromEntries(
      Object.entries(report.skipped).map(([reason, entry]) => [reason, entry.count]),
    );
    expect(skipped).toEqual({
      'missing session or item id': 1,
      'unreadable eventdate or timeframe': 1,
      'missing ordernumber': 1,
      'ordernumber reused by another session': 1,
      'pricelog2 is not a number below 30': 1,
    });
    expect(report.adjusted['item missing from products.csv: price 0']?.count).toBe(1);
  });

  it('emits the catalogue as items timed at the first event, all of them unless limited', async () => {
    const dir = fixtureDir(FILES);
    const all = await importDataset({ dataset: 'diginetica', dir });
    const limited = await importDataset({ dataset: 'diginetica', dir, limit: 1 });

    expect(itemsOf(all.records).map((item) => item.itemId)).toEqual([
      '81766',
      '32118',
      '31331',
      '555',
    ]);
    expect(itemsOf(all.records)[1]).toMatchObject({
      categoryPath: ['243'],
      price: 32,
      attributes: { priceApproximate: true },
    });
    expect(itemsOf(limited.records).map((item) => item.itemId)).toEqual(['81766']);
  });
});
