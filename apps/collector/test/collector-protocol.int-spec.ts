/**
 * The collector's protocol answers over HTTP (libs/platform's rules, as every service has them): a
 * method a path does not declare gets 405 with Allow (unknown paths stay 404), and a body that is not
 * JSON by its media type gets the 415 OpenAPI promises — with the platform's error body and code.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorResponseV1Schema } from '@recsys/contracts';
import { createHttpApp } from '@recsys/platform';
import { integrationEnvironment, serviceEnv, testNamespace } from '@recsys/testing';
import { loadCollectorConfig } from '../src/config';
import { buildOpenApiDocument } from '../src/docs/openapi';
import { collectorService } from '../src/service';

const WRITE_KEY = 'protocol-write-key-0123456789abcdef';

describe('collector protocol answers', () => {
  const environment = integrationEnvironment();
  const config = loadCollectorConfig({
    ...serviceEnv(environment, testNamespace('collector-protocol')),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'fatal',
    COLLECTOR_PSEUDONYMISATION_SECRET: 'protocol-pseudonymisation-secret',
    COLLECTOR_WRITE_KEYS: JSON.stringify([
      { storefront: 'protocol', key: WRITE_KEY, allowedOrigins: [] },
    ]),
  });
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createHttpApp(collectorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  async function call(
    method: string,
    path: string,
    input: { body?: string; contentType?: string } = {},
  ) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'x-write-key': WRITE_KEY,
        ...(input.contentType === undefined ? {} : { 'content-type': input.contentType }),
      },
      ...(input.body === undefined ? {} : { body: input.body }),
    });
    const body: unknown = await response.json();
    return { status: response.status, allow: response.headers.get('allow'), body };
  }

  it.each([
    ['GET', '/v1/events', 'POST'],
    ['PUT', '/v1/events', 'POST'],
    ['DELETE', '/v1/items', 'POST'],
    ['POST', '/health/ready', 'GET, HEAD'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const answer = await call(method, path);
    expect({ status: answer.status, allow: answer.allow }).toEqual({ status: 405, allow });
    expect(errorResponseV1Schema.safeParse(answer.body).error).toBeUndefined();
    expect(answer.body).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('keeps 404 for a path it does not have', async () => {
    const answer = await call('GET', '/v1/nothing');
    expect(answer).toMatchObject({
      status: 404,
      allow: null,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it.each(['/v1/events', '/v1/items'])(
    'refuses a text/plain body on POST %s with the documented 415',
    async (path) => {
      const documented = buildOpenApiDocument(config).paths[path] as {
        post: { responses: object };
      };
      expect(Object.keys(documented.post.responses)).toContain('415');
      const answer = await call('POST', path, {
        body: '{"events":[]}',
        contentType: 'text/plain;charset=UTF-8',
      });
      expect(answer.status).toBe(415);
      expect(errorResponseV1Schema.safeParse(answer.body).error).toBeUndefined();
      expect(answer.body).toMatchObject({
        error: { code: 'UNSUPPORTED_MEDIA_TYPE', retriable: false },
      });
    },
  );
});
