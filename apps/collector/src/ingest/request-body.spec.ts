import { AppError } from '@recsys/contracts';
import { eventsOfRequestBody } from './request-body';

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
    let thrown: unknown;
    try {
      eventsOfRequestBody(body, 10);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: 'BATCH_INVALID',
      retriable: false,
      message: expect.stringMatching(message),
    });
  });
});
