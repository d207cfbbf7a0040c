import { CONSOLE_PLACEMENT, ScorerClient } from './scorer-client';

const response = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function client(fetchImpl: (url: string) => Promise<Response>) {
  const asked: string[] = [];
  const authorizations: string[] = [];
  const outcomes: string[] = [];
  const scorer = new ScorerClient({
    baseUrl: 'http://scorer:3004',
    timeoutMs: 500,
    adminToken: 'console-admin-token',
    fetch: (async (input: string, init?: RequestInit) => {
      asked.push(input);
      authorizations.push(new Headers(init?.headers).get('authorization') ?? '');
      return fetchImpl(input);
    }) as typeof fetch,
    onAnswer: (status) => outcomes.push(status),
  });
  return { scorer, asked, authorizations, outcomes };
}

describe('ScorerClient', () => {
  it('asks for the admin preview (no impression logged), passes the answer through, marks the placement', async () => {
    const body = {
      requestId: 'r1',
      items: [{ itemId: 'a', rank: 0, score: 0.9, explanation: 'why' }],
    };
    const { scorer, asked, authorizations, outcomes } = client(async () => response(200, body));
    const answer = await scorer.recommendationsFor({ id: 'u 1', anonymous: false, k: 5 });
    expect(answer).toMatchObject({ status: 'ok', scorerResponse: body });
    expect(asked[0]).toBe(
      `http://scorer:3004/v1/recommendations/u%201/preview?k=5&placement=${CONSOLE_PLACEMENT}`,
    );
    expect(authorizations[0]).toBe('Bearer console-admin-token');
    expect(outcomes).toEqual(['ok']);
  });

  it('asks for a key or anonymous id as it is', async () => {
    const { scorer, asked } = client(async () => response(200, { items: [] }));
    await scorer.recommendationsFor({ id: 'u_abc', anonymous: true, k: 10 });
    expect(asked[0]).toContain('anonymous=true');
  });

  it('says the scorer is unreachable when nothing listens, with the reason', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED' },
    });
    const { scorer, outcomes } = client(async () => Promise.reject(refused));
    const answer = await scorer.recommendationsFor({ id: 'u', anonymous: false, k: 1 });
    expect(answer).toEqual({
      status: 'unreachable',
      error: {
        code: 'SCORER_UNREACHABLE',
        message: 'the scorer at http://scorer:3004 cannot be reached: ECONNREFUSED',
        httpStatus: null,
      },
    });
    expect(outcomes).toEqual(['unreachable']);
  });

  it('says the scorer timed out', async () => {
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    const { scorer } = client(async () => Promise.reject(timeout));
    expect(await scorer.recommendationsFor({ id: 'u', anonymous: false, k: 1 })).toMatchObject({
      status: 'unreachable',
      error: { code: 'SCORER_TIMEOUT' },
    });
  });

  it('relays the scorer’s own error, or its status when the body is not the platform’s', async () => {
    const refusing = client(async () =>
      response(503, { error: { code: 'MODEL_UNAVAILABLE', message: 'no model', retriable: true } }),
    );
    expect(await refusing.scorer.recommendationsFor({ id: 'u', anonymous: false, k: 1 })).toEqual({
      status: 'error',
      error: { code: 'MODEL_UNAVAILABLE', message: 'no model', httpStatus: 503 },
    });
    const odd = client(async () => new Response('<html>bad gateway</html>', { status: 502 }));
    expect(await odd.scorer.recommendationsFor({ id: 'u', anonymous: false, k: 1 })).toEqual({
      status: 'error',
      error: { code: 'HTTP_502', message: 'the scorer answered 502', httpStatus: 502 },
    });
  });
});
