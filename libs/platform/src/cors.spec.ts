import Fastify, { type FastifyInstance } from 'fastify';
import { registerCors } from './cors';

describe('registerCors', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = Fastify();
    registerCors(fastify, {
      isOriginAllowed: (origin) => origin === 'https://shop.example',
      allowedHeaders: ['content-type', 'x-api-key'],
    });
    fastify.post('/v1/things', async () => ({ ok: true }));
    await fastify.ready();
  });

  afterAll(async () => {
    await fastify.close();
  });

  const preflight = (origin: string) =>
    fastify.inject({
      method: 'OPTIONS',
      url: '/v1/things',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key',
      },
    });

  it('answers a preflight from an allowed origin with the CORS headers', async () => {
    const response = await preflight('https://shop.example');
    expect(response.statusCode).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': 'https://shop.example',
      'access-control-allow-headers': 'content-type, x-api-key',
      'access-control-allow-methods': 'GET, POST',
      'access-control-max-age': '600',
      vary: expect.stringMatching(/Origin/),
    });
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives a preflight from another origin no CORS headers, so the browser refuses the call', async () => {
    const response = await preflight('https://evil.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed origin read the response and its Retry-After header', async () => {
    const response = await fastify.inject({
      method: 'POST',
      url: '/v1/things',
      headers: { origin: 'https://shop.example' },
    });
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(response.headers['access-control-expose-headers']).toBe('retry-after');
  });

  it('adds nothing to a request without an Origin (servers)', async () => {
    const response = await fastify.inject({ method: 'POST', url: '/v1/things' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
