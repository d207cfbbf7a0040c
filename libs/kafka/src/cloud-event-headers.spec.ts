import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicNames, type TopicName } from '@recsys/contracts';
import {
  cloudEventHeaders,
  messageHeaders,
  requiredCloudEventHeaders,
  type CloudEventContext,
} from './cloud-event-headers';

const FIXTURES = join(__dirname, '../../contracts/src/__fixtures__/valid');
/** `dead-letter` → `dead-letter.v1.json`; a name with its version (`training-examples.v2`) as it is. */
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(join(FIXTURES, `${/\.v\d+$/.test(name) ? name : `${name}.v1`}.json`), 'utf8'),
  ) as Record<string, unknown>;

/** A golden payload of every topic, its expected ce_type and the payload fields of ce_id and ce_time. */
const examples: Record<TopicName, { fixture: string; type: string; id?: string; time: string }> = {
  'events.raw.v1': {
    fixture: 'product-view',
    type: 'io.recsys.event.product_view.v1',
    id: 'eventId',
    time: 'timestamp',
  },
  'events.dlq.v1': { fixture: 'dead-letter', type: 'io.recsys.dead_letter.v1', time: 'failedAt' },
  'catalog.items.v1': {
    fixture: 'item-upserted',
    type: 'io.recsys.item_upserted.v1',
    time: 'updatedAt',
  },
  'features.updated.v2': {
    fixture: 'features-updated.v2',
    type: 'io.recsys.features_updated.v2',
    id: 'batchId',
    time: 'updatedAt',
  },
  'training.examples.v2': {
    fixture: 'training-examples.v2',
    type: 'io.recsys.training_examples.v2',
    id: 'batchId',
    time: 'writtenAt',
  },
  'models.published.v1': {
    fixture: 'model-published',
    type: 'io.recsys.model_published.v1',
    time: 'publishedAt',
  },
  'recommendations.requests.v1': {
    fixture: 'recommendation-request',
    type: 'io.recsys.recommendation_request.v1',
    id: 'requestId',
    time: 'requestedAt',
  },
  'recommendations.v1': {
    fixture: 'recommendation-response',
    type: 'io.recsys.recommendation_response.v1',
    id: 'requestId',
    time: 'generatedAt',
  },
  'privacy.erasures.v1': {
    fixture: 'user-erased',
    type: 'io.recsys.user_erased.v1',
    id: 'requestId',
    time: 'erasedAt',
  },
};

const context: CloudEventContext = {
  source: 'recsys-test',
  newId: () => 'fresh-id',
  now: () => new Date('2030-01-01T00:00:00.000Z'),
};

describe('cloudEventHeaders', () => {
  it('covers every topic of the registry', () => {
    expect(Object.keys(examples).sort()).toEqual([...topicNames].sort());
  });

  it.each(Object.entries(examples))(
    'gives %s the full header set, its reverse-DNS type and the payload’s own id and time',
    (topic, example) => {
      const payload = fixture(example.fixture);
      const headers = cloudEventHeaders(topic as TopicName, payload, context);
      for (const name of requiredCloudEventHeaders)
        expect(headers[name]).toEqual(expect.any(String));
      expect(headers).toMatchObject({
        'content-type': 'application/json',
        ce_specversion: '1.0',
        ce_type: example.type,
        ce_source: 'recsys-test',
        ce_time: payload[example.time],
      });
      // Without an id field of its own the event gets a derived one (the next test says which).
      const ownId = example.id === undefined ? headers['ce_id'] : payload[example.id];
      expect(headers['ce_id']).toEqual(ownId);
    },
  );

  it('derives stable ids where the payload has no single id field', () => {
    const item = fixture('item-upserted');
    expect(cloudEventHeaders('catalog.items.v1', item, context)).toMatchObject({
      ce_id: `${String(item['itemId'])}@${String(item['updatedAt'])}`,
      ce_subject: item['itemId'],
    });
    const model = fixture('model-published');
    expect(cloudEventHeaders('models.published.v1', model, context)['ce_id']).toBe(
      `${String(model['modelName'])}@${String(model['version'])}@${String(model['publishedAt'])}`,
    );
  });

  it('gives every dead letter an id of its own and names the failed event as subject', () => {
    const letter = fixture('dead-letter');
    const headers = cloudEventHeaders('events.dlq.v1', letter, context);
    expect(headers['ce_id']).toBe('fresh-id');
    expect(letter['eventId']).toEqual(expect.any(String));
    expect(headers['ce_subject']).toBe(letter['eventId']);
  });

  it('types an error reply apart from an answer', () => {
    const error = fixture('recommendation-error');
    expect(cloudEventHeaders('recommendations.v1', error, context)['ce_type']).toBe(
      'io.recsys.recommendation_error.v1',
    );
  });

  it('falls back to a fresh id and the time of writing for a payload without them', () => {
    expect(cloudEventHeaders('privacy.erasures.v1', {}, context)).toMatchObject({
      ce_id: 'fresh-id',
      ce_time: '2030-01-01T00:00:00.000Z',
      ce_type: 'io.recsys.user_erased.v1',
    });
  });
});

describe('messageHeaders', () => {
  const cloudEvent = cloudEventHeaders('events.raw.v1', fixture('page-view'), context);

  it('keeps the caller’s id, time and extra headers but never its type, source or spec version', () => {
    const merged = messageHeaders(
      cloudEvent,
      { traceparent: '00-abc-def-01' },
      {
        ce_id: 'caller-id',
        ce_type: 'page_view',
        ce_source: 'someone-else',
        ce_specversion: '0.3',
        recsys_error_code: 'EVENT_INVALID',
      },
    );
    expect(merged).toMatchObject({
      ce_id: 'caller-id',
      ce_type: 'io.recsys.event.page_view.v1',
      ce_source: 'recsys-test',
      ce_specversion: '1.0',
      traceparent: '00-abc-def-01',
      recsys_error_code: 'EVENT_INVALID',
    });
  });
});
