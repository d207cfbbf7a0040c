import { importDataset } from '../import/pipeline';
import {
  eventsOf,
  fixtureDir,
  isTimeOrdered,
  itemsOf,
  removeFixtureDirs,
  schemaFailures,
} from '../test/fixtures';

const review = (fields: Record<string, unknown>) =>
  JSON.stringify({
    overall: 5.0,
    verified: true,
    reviewerID: 'A1',
    asin: 'B01',
    unixReviewTime: 1472688000,
    ...fields,
  });

const REVIEWS = [
  review({ reviewText: 'As advertised. Reasonably priced', summary: 'Five Stars', vote: '1,204' }),
  review({ reviewerID: 'A2', overall: 3.0, summary: 'no text here' }),
  review({ reviewText: 'Copy of the first review', summary: 'Five Stars' }),
  review({ reviewerID: 'A3', overall: 0 }),
  review({
    reviewerID: 'A4',
    unixReviewTime: undefined,
    reviewTime: '09 1, 2016',
    reviewText: 'Dated by reviewTime',
  }),
  '{"overall": 5.0, "reviewerID": ',
].join('\n');

const META = [
  JSON.stringify({
    asin: 'B01',
    title: 'Reason &amp; Freedom',
    category: ['Magazine Subscriptions', 'News &amp; Politics'],
    brand: 'Reason',
    price: '$12.99',
    main_cat: 'Magazine Subscriptions',
    image: ['https://images.example/b01.jpg'],
  }),
  JSON.stringify({
    asin: 'B02',
    title: '<span class="a-size-medium"',
    category: [],
    price: '$10.00 - $20.00',
    main_cat: 'Magazine Subscriptions',
  }),
  JSON.stringify({ asin: 'B01', title: 'Duplicate', category: ['X'], price: '' }),
  "{'asin': 'B03', 'title': 'python literal'}",
].join('\n');

afterAll(removeFixtureDirs);

describe('Amazon reviews importer', () => {
  it('maps reviews with text to review events and without text to rating events', async () => {
    const { records, report } = await importDataset({
      dataset: 'auto',
      dir: fixtureDir({ 'Beauty_5.json': REVIEWS }),
    });
    const events = eventsOf(records);

    expect(report.dataset).toBe('amazon');
    expect(schemaFailures(records)).toEqual([]);
    expect(isTimeOrdered(records)).toBe(true);
    expect(events.find((event) => event.userId === 'A1')).toMatchObject({
      eventType: 'review',
      itemId: 'B01',
      stars: 5,
      title: 'Five Stars',
      text: 'As advertised. Reasonably priced',
      timestamp: new Date(1472688000_000).toISOString(),
      properties: { verified: true, helpfulVotes: 1204 },
    });
    expect(events.find((event) => event.userId === 'A2')).toMatchObject({
      eventType: 'rating',
      rating: 3,
    });
    expect(events.find((event) => event.userId === 'A4')?.timestamp).toBe(
      '2016-09-01T00:00:00.000Z',
    );
    const skipped = Object.fromEntries(
      Object.entries(report.skipped).map(([reason, entry]) => [reason, entry.count]),
    );
    expect(skipped).toEqual({
      'duplicate row (same event id as an earlier row)': 1,
      'overall is not a rating 1..5': 1,
      'not a JSON object': 1,
    });
  });

  it('maps metadata to items, repairing HTML titles, entities and "$" prices, first asin wins', async () => {
    const dir = fixtureDir({ 'reviews.json': REVIEWS, 'meta_Beauty.json': META });
    const { records, report } = await importDataset({ dataset: 'amazon', dir });
    const [reason, repaired] = itemsOf(records);

    expect(itemsOf(records)).toHaveLength(2);
    expect(reason).toMatchObject({
      itemId: 'B01',
      title: 'Reason & Freedom',
      categoryPath: ['Magazine Subscriptions', 'News & Politics'],
      brand: 'Reason',
      price: 12.99,
      currency: 'USD',
      imageUrl: 'https://images.example/b01.jpg',
    });
    expect(repaired).toMatchObject({
      title: 'item B02',
      categoryPath: ['Magazine Subscriptions'],
      price: 10,
    });
    expect(report.skipped['duplicate asin in metadata (first record kept)']?.count).toBe(1);
    expect(
      Object.keys(report.skipped).some((key) => key.startsWith('not a JSON object with an asin')),
    ).toBe(true);
    expect(report.adjusted['title missing or HTML markup: "item <asin>"']?.count).toBe(1);
    expect(report.adjusted['price range: lowest price']?.count).toBe(1);
  });
});
