import { Body, Controller, Get, Module, NotFoundException, Param, Post, Put } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from './bootstrap';
import { DeclaredRoutes } from './http-protocol';

@Controller('v1/things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string): { id: string } {
    if (id === 'missing') throw new NotFoundException('no such thing');
    return { id };
  }

  @Put(':id')
  put(@Param('id') id: string, @Body() body: unknown): { id: string; body: unknown } {
    return { id, body };
  }

  @Post()
  create(@Body() body: unknown): { body: unknown } {
    return { body };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('HTTP protocol answers (every service, through createHttpApp)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createHttpApp(
      {
        serviceName: 'protocol-test',
        loadConfig: () => ({}),
        settings: () => ({
          http: { host: '127.0.0.1', port: 0 },
          log: { level: 'fatal', format: 'json' },
        }),
        module: () => ({ module: ThingsModule }),
      },
      {},
    );
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  const call = async (
    method: string,
    url: string,
    input: { body?: string; contentType?: string } = {},
  ) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      ...(input.body === undefined ? {} : { payload: input.body }),
      headers: input.contentType === undefined ? {} : { 'content-type': input.contentType },
    });
    return {
      status: response.statusCode,
      allow: response.headers['allow'],
      body: response.json<{ error?: { code: string; retriable: boolean } }>(),
    };
  };

  it('answers a method the path does not declare with 405 and Allow', async () => {
    await expect(call('DELETE', '/v1/things/t-1')).resolves.toEqual({
      status: 405,
      allow: 'GET, HEAD, PUT',
      body: { error: expect.objectContaining({ code: 'METHOD_NOT_ALLOWED', retriable: false }) },
    });
    const post = await call('PATCH', '/v1/things?x=1', {
      body: '{}',
      contentType: 'application/json',
    });
    expect(post).toMatchObject({ status: 405, allow: 'POST' });
  });

  it('keeps 404 for unknown paths and for a declared route that finds nothing', async () => {
    await expect(call('DELETE', '/v1/nothing')).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    await expect(call('GET', '/v1/things/t-1/more')).resolves.toMatchObject({ status: 404 });
    await expect(call('GET', '/v1/things/missing')).resolves.toMatchObject({ status: 404 });
  });

  it.each([
    'text/plain',
    'text/plain; charset=utf-8',
    'application/xml',
    'application/octet-stream',
  ])('refuses a %s body on a JSON route with 415 and a stable code', async (contentType) => {
    await expect(
      call('POST', '/v1/things', { body: '{"a":1}', contentType }),
    ).resolves.toMatchObject({
      status: 415,
      body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', retriable: false } },
    });
  });

  it('still takes JSON', async () => {
    await expect(
      call('POST', '/v1/things', { body: '{"a":1}', contentType: 'application/json' }),
    ).resolves.toEqual({
      status: 201,
      allow: undefined,
      body: { body: { a: 1 } },
    });
  });
});

describe('DeclaredRoutes', () => {
  it('matches parameters and wildcards, and ignores catch-all routes', () => {
    const routes = new DeclaredRoutes();
    routes.add('OPTIONS', '*');
    routes.add(['GET', 'POST'], '/v1/items/:id');
    routes.add('GET', '/assets/*');
    expect(routes.methodsFor('/v1/items/a%20b?x=1')).toEqual(['GET', 'HEAD', 'POST']);
    expect(routes.methodsFor('/v1/items/')).toEqual([]);
    expect(routes.methodsFor('/v1/items')).toEqual([]);
    expect(routes.methodsFor('/assets/app/main.js')).toEqual(['GET', 'HEAD']);
    expect(routes.methodsFor('/elsewhere')).toEqual([]);
  });
});
