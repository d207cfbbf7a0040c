import { recommendationReplyV1Schema } from '@recsys/contracts';
import type { RejectedMessage } from '@recsys/kafka';
import type { ServedResponse } from '../recommendations/recommendation.service';
import { answerReply, errorReply, toResponseMessage } from './replies';

const rejected = (value: unknown, overrides: Partial<RejectedMessage> = {}): RejectedMessage => ({
  value,
  key: 'shopper-7',
  headers: {},
  code: 'MESSAGE_INVALID',
  message: 'message breaks the recommendations.requests.v1 contract',
  retriable: false,
  issues: [{ path: 'k', message: 'Too big: expected number to be <=100' }],
  ...overrides,
});

const served: ServedResponse = {
  schemaVersion: 1,
  requestId: 'r'.repeat(120),
  userId: 'shopper-7',
  items: [{ itemId: 'sku-1', rank: 0, score: 0.5, source: 'trending' }],
  modelVersion: 'sources-v1',
  arm: 'default',
  personalized: true,
  generatedAt: '2026-11-29T10:00:00.000Z',
  degraded: false,
  timings: { totalMs: 3 },
};

describe('replies on recommendations.v1', () => {
  it('answers under the request id as sent, without the shopper ids or the diagnostics', () => {
    const requestId = 'r'.repeat(128);
    const reply = answerReply(toResponseMessage({ ...served, anonymousId: 'device-3' }, requestId));
    expect(reply.key).toBe(requestId);
    expect(reply.value).toEqual({
      schemaVersion: 1,
      requestId,
      items: served.items,
      modelVersion: 'sources-v1',
      arm: 'default',
      personalized: true,
      generatedAt: served.generatedAt,
    });
    expect(JSON.stringify(reply)).not.toMatch(/shopper-7|device-3/);
  });

  it('answers a request that breaks its contract with the error, when its id can be read', () => {
    const now = new Date('2026-11-29T10:00:01.000Z');
    const reply = errorReply(rejected({ requestId: 'req-9', userId: 'shopper-7', k: 500 }), now);
    expect(reply).toEqual({
      key: 'req-9',
      value: {
        schemaVersion: 1,
        requestId: 'req-9',
        error: {
          code: 'MESSAGE_INVALID',
          message:
            'message breaks the recommendations.requests.v1 contract: k: Too big: expected number to be <=100',
          retriable: false,
        },
        generatedAt: now.toISOString(),
      },
    });
    expect(recommendationReplyV1Schema.safeParse(reply!.value).success).toBe(true);
    expect(JSON.stringify(reply)).not.toContain('shopper-7');
  });

  it('cannot answer without a readable request id', () => {
    for (const value of [
      undefined,
      null,
      'text',
      [],
      { k: 5 },
      { requestId: 7 },
      { requestId: '' },
    ])
      expect(errorReply(rejected(value))).toBeUndefined();
    expect(errorReply(rejected({ requestId: 'x'.repeat(129) }))).toBeUndefined();
  });

  it('answers a handler failure with its code', () => {
    const reply = errorReply(
      rejected({ requestId: 'req-10' }, { code: 'HANDLER_FAILED', message: 'boom', issues: [] }),
    );
    expect(reply?.value).toMatchObject({
      error: { code: 'HANDLER_FAILED', message: 'boom', retriable: false },
    });
  });
});
