import { importDataset } from '../import/pipeline';
import {
  eventsOf,
  fixtureDir,
  isTimeOrdered,
  itemsOf,
  removeFixtureDirs,
  schemaFailures,
} from '../test/fixtures';

const KAGGLE = {
  'events.csv': [
    'timestamp,visitorid,event,itemid,transactionid',
    '1433221332117,257597,view,355908,',
    '1433224214164,992329,view,248676,',
    '1433221999827,111016,addtocart,5206,',
    '1433223000000,111016,transaction,5206,4000',
    '1433223000100,111016,transaction,10,4000',
    '1433223000200,111016,transaction,5206,4000',
    'soon,1,view,1,',
    '1433221332117,257597,click,355908,',
    '1433223000000,5,transaction,7,',
    '1433223000300,6,transaction,7,4000',
  ].join('\n'),
  'category_tree.csv': ['categoryid,parentid', '1016,213', '213,', '5,1016'].join('\n'),
  'item_properties_part1.csv': [
    'timestamp,itemid,property,value',
    '1431226800000,355908,categoryid,1016',
    '1431226800000,355908,available,1',
    '1431226800000,355908,888,1116173 n5.000',
    '1432436400000,355908,categoryid,1016',
    '1432436400000,355908,available,0',
  ].join('\n'),
  'item_properties_part2.csv': [
    'timestamp,itemid,property,value',
    '1431226800000,5206,available,maybe',
    '1431226800000,5206,790,n6000.000',
  ].join('\n'),
};

const CASEREC = {
  'view_ecommerce.dat': [
    'visitorid\titemid\tevent',
    '1\t1\t1',
    '1\t2\t1',
    '2\t5\t1',
    '\t5\t1',
  ].join('\n'),
  'add_to_cart_ecommerce.dat': ['visitorid\titemid\tevent', '1\t1\t1'].join('\n'),
  'purchase_ecommerce.dat': ['visitorid\titemid\tevent', '1\t1\t1'].join('\n'),
};

afterAll(removeFixtureDirs);

describe('RetailRocket importer, Kaggle layout', () => {
  it('maps views, carts and transactions (one purchase per transactionid) and counts bad rows', async () => {
    const { records, report } = await importDataset({
      dataset: 'retailrocket',
      dir: fixtureDir(KAGGLE),
    });
    const events = eventsOf(records);

    expect(schemaFailures(records)).toEqual([]);
    expect(isTimeOrdered(records)).toBe(true);
    expect(report.records).toEqual({ product_view: 2, add_to_cart: 1, purchase: 1, item: 2 });
    expect(events.find((event) => event.eventType === 'purchase')).toMatchObject({
      orderId: '4000',
      userId: '111016',
      timestamp: new Date(1433223000000).toISOString(),
      items: [
        { itemId: '5206', quantity: 2, price: 0 },
        { itemId: '10', quantity: 1, price: 0 },
      ],
      revenue: 0,
      currency: 'XXX',
    });
    expect(events.find((event) => event.eventType === 'add_to_cart')).toMatchObject({
      price: 0,
      currency: 'XXX',
      quantity: 1,
    });
    const skipped = Object.fromEntries(
      Object.entries(report.skipped).map(([reason, entry]) => [reason, entry.count]),
    );
    expect(skipped).toEqual({
      'timestamp is not epoch milliseconds': 1,
      'unknown event "click"': 1,
      'transaction without transactionid': 1,
      'transactionid reused by another visitor': 1,
      'available is neither 0 nor 1': 1,
    });
  });

  it('emits an item upsert whenever category or availability changes, with the category path root first', async () => {
    const { records } = await importDataset({ dataset: 'retailrocket', dir: fixtureDir(KAGGLE) });
    const items = itemsOf(records);

    expect(items.map((item) => [item.itemId, item.availability, item.updatedAt])).toEqual([
      ['355908', 'in_stock', new Date(1431226800000).toISOString()],
      ['355908', 'out_of_stock', new Date(1432436400000).toISOString()],
    ]);
    expect(items[0]?.categoryPath).toEqual(['213', '1016']);
  });

  it('keeps items of interactions only when limited', async () => {
    const { records } = await importDataset({
      dataset: 'retailrocket',
      dir: fixtureDir(KAGGLE),
      limit: 1,
    });

    expect(eventsOf(records).map((event) => event.eventType)).toEqual(['product_view']);
    expect(new Set(itemsOf(records).map((item) => item.itemId))).toEqual(new Set(['355908']));
  });
});

describe('RetailRocket importer, CaseRec layout (no timestamps)', () => {
  it('synthesises deterministic, flagged times that keep each visitor funnel in view → cart → purchase order', async () => {
    const dir = fixtureDir(CASEREC);
    const first = await importDataset({ dataset: 'auto', dir });
    const second = await importDataset({ dataset: 'auto', dir });
    const visitorOne = eventsOf(first.records).filter((event) => event.userId === '1');

    expect(first.report.dataset).toBe('retailrocket');
    expect(JSON.stringify(second.records)).toBe(JSON.stringify(first.records));
    expect(schemaFailures(first.records)).toEqual([]);
    expect(visitorOne.map((event) => event.eventType)).toEqual([
      'product_view',
      'product_view',
      'add_to_cart',
      'purchase',
    ]);
    expect(visitorOne.every((event) => event.properties?.['timestampSynthetic'] === true)).toBe(
      true,
    );
    expect(first.report.skipped['missing visitorid or itemid']?.count).toBe(1);
    expect(first.report.notes.join(' ')).toMatch(/no timestamps/);
  });
});
