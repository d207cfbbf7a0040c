import { AppError } from '@recsys/contracts';
import { eventsOfRequestBody, itemsOfRequestBody } from './request-body';

function thrownBy(parse: () => unknown): unknown {
  try {
    parse();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('eventsOfRequestBody', () => {
  it('treats an object as one event, an array or { events } as a batch', () => {
    expect(eventsOfRequestBody({ eventType: 'page_view' }, 10)).toEqual([
      { eventType: 'page_view' },
    ]);
    expect(eventsOfRequestBody([1, 2], 10)).toEqual([1, 2]);
    expect(eventsOfRequestBody({ events: [1, 2, 3] }, 10)).toEqual([1, 2, 3]);
  });

  it.each([
    ['an empty batch', { events: [] }, /no events/],
    ['a non-array events field', { events: 'x' }, /must be an array/],
    ['a scalar body', 'hello', /JSON object or array/],
    ['too many events', Array.from({ length: 11 }, () => ({})), /at most 10 events, got 11/],
  ])('rejects %s with BATCH_INVALID', (_case, body, message) => {
    const thrown = thrownBy(() => eventsOfRequestBody(body, 10));
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: 'BATCH_INVALID',
      retriable: false,
      message: expect.stringMatching(message),
    });
  });
});

describe('itemsOfRequestBody', () => {
  it('treats an object as one item, an array or { items } as a batch', () => {
    expect(itemsOfRequestBody({ itemId: 'i-1' }, 10)).toEqual([{ itemId: 'i-1' }]);
    expect(itemsOfRequestBody({ items: [1, 2] }, 10)).toEqual([1, 2]);
    expect(itemsOfRequestBody([1], 10)).toEqual([1]);
  });

  it('does not unwrap { events } (a misdirected event batch is one invalid item)', () => {
    expect(itemsOfRequestBody({ events: [1, 2] }, 10)).toEqual([{ events: [1, 2] }]);
  });

  it('applies its own batch limit and names items in the error', () => {
    const thrown = thrownBy(() => itemsOfRequestBody({ items: [1, 2, 3] }, 2));
    expect(thrown).toMatchObject({
      code: 'BATCH_INVALID',
      message: 'a batch holds at most 2 items, got 3',
      details: { maxBatchItems: 2, received: 3 },
    });
    expect(thrownBy(() => itemsOfRequestBody({ items: [] }, 2))).toMatchObject({
      message: 'the request contains no items',
    });
  });
});
