import { toValidationIssues } from '../validation';
import { erasureRequestV1Schema } from './privacy-api.v1';

describe('erasureRequestV1Schema', () => {
  it('takes exactly one identity: a storefront user id or an anonymous id', () => {
    expect(erasureRequestV1Schema.parse({ userId: 'shopper-1', reason: ' GDPR #1 ' })).toEqual({
      userId: 'shopper-1',
      reason: 'GDPR #1',
    });
    expect(erasureRequestV1Schema.parse({ anonymousId: 'device-1' })).toEqual({
      anonymousId: 'device-1',
    });
    for (const body of [{}, { userId: 'a', anonymousId: 'b' }]) {
      const result = erasureRequestV1Schema.safeParse(body);
      expect(result.success).toBe(false);
      expect(toValidationIssues(result.error!).map((issue) => issue.path)).toContain('userId');
    }
  });

  it('refuses unknown fields and an over-long reason', () => {
    expect(erasureRequestV1Schema.safeParse({ userId: 'a', userKey: 'u_1' }).success).toBe(false);
    expect(erasureRequestV1Schema.safeParse({ userId: 'a', reason: 'x'.repeat(501) }).success).toBe(
      false,
    );
  });
});
