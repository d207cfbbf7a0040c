import { importDataset } from '../import/pipeline';
import {
  eventsOf,
  fixtureDir,
  isTimeOrdered,
  itemsOf,
  removeFixtureDirs,
  schemaFailures,
} from '../test/fixtures';

const HEADER =
  'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';
const CSV = [
  HEADER,
  '2019-10-01 00:00:00 UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c',
  '2019-10-01 00:00:05 UTC,cart,3900821,2053013552326770905,appliances.environment.water_heater,aqua,33.20,554748717,9333dfbd-b87a-4708-9857-6336556b0fcc',
  '2019-10-01 00:00:09 UTC,remove_from_cart,3900821,2053013552326770905,appliances.environment.water_heater,aqua,33.20,554748717,9333dfbd-b87a-4708-9857-6336556b0fcc',
  '2019-10-01 00:01:00 UTC,purchase,3900821,2053013552326770905,appliances.environment.water_heater,aqua,31.00,554748717,9333dfbd-b87a-4708-9857-6336556b0fcc',
  '2019-10-01 00:02:00 UTC,view,17200506,2053013559792632471,"furniture.living_room.sofa",,543.10,519107250,',
  '2019-10-01 00:03:00 UTC,view,17200506,2053013559792632471,furniture.living_room.sofa,,543.10,519107250,566511c2',
  '2019-10-01 00:03:00 UTC,view,17200506,2053013559792632471,furniture.living_room.sofa,,543.10,519107250,566511c2',
  '2019-10-01 00:04:00 UTC,wishlist,17200506,2053013559792632471,,,543.10,519107250,566511c2',
  '2019-10-01 00:04:00 UTC,view,17200506,2053013559792632471,,,-1,519107250,566511c2',
  'yesterday,view,17200506,2053013559792632471,,,1,519107250,566511c2',
].join('\r\n');

afterAll(removeFixtureDirs);

describe('REES46 importer', () => {
  it('maps view, cart, remove_from_cart and purchase rows with the source user and session', async () => {
    const { records, report } = await importDataset({
      dataset: 'auto',
      dir: fixtureDir({ '2019-Oct.csv': CSV }),
    });
    const events = eventsOf(records);

    expect(report.dataset).toBe('rees46');
    expect(schemaFailures(records)).toEqual([]);
    expect(isTimeOrdered(records)).toBe(true);
    expect(events.map((event) => event.eventType)).toEqual([
      'product_view',
      'add_to_cart',
      'remove_from_cart',
      'purchase',
      'product_view',
      'product_view',
    ]);
    expect(events[3]).toMatchObject({
      userId: '554748717',
      sessionId: '9333dfbd-b87a-4708-9857-6336556b0fcc',
      timestamp: '2019-10-01T00:01:00.000Z',
      items: [{ itemId: '3900821', quantity: 1, price: 31 }],
      revenue: 31,
    });
    const skipped = Object.fromEntries(
      Object.entries(report.skipped).map(([reason, entry]) => [reason, entry.count]),
    );
    expect(skipped).toEqual({
      'duplicate row (same event id as an earlier row)': 1,
      'unknown event_type "wishlist"': 1,
      'price is not a non-negative number': 1,
      'unreadable event_time': 1,
    });
  });

  it('derives a session when user_session is empty and counts it', async () => {
    const { records, report } = await importDataset({
      dataset: 'rees46',
      dir: fixtureDir({ 'month.csv': CSV }),
    });
    const sofaViews = eventsOf(records).filter((event) => event.userId === '519107250');

    expect(sofaViews[0]?.sessionId).toMatch(/^r46:s:519107250:/);
    expect(sofaViews[1]?.sessionId).toBe('566511c2');
    expect(report.adjusted['no user_session: session derived by inactivity']?.count).toBe(1);
  });

  it('upserts an item when first seen and again when its price changes, category path from category_code', async () => {
    const { records } = await importDataset({
      dataset: 'rees46',
      dir: fixtureDir({ 'month.csv': CSV }),
    });
    const heater = itemsOf(records).filter((item) => item.itemId === '3900821');

    expect(heater.map((item) => [item.price, item.updatedAt])).toEqual([
      [33.2, '2019-10-01T00:00:05.000Z'],
      [31, '2019-10-01T00:01:00.000Z'],
    ]);
    expect(heater[0]).toMatchObject({
      title: 'aqua water heater #3900821',
      brand: 'aqua',
      categoryPath: ['appliances', 'environment', 'water_heater'],
    });
    expect(itemsOf(records).find((item) => item.itemId === '44600062')?.categoryPath).toEqual([
      '2103807459595387724',
    ]);
  });
});
