import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ADMIN_TOKEN, AdminGuard } from './admin-guard';
import { AppErrorFilter } from './app-error.filter';

@Controller('admin')
class AdminOnlyController {
  @Get()
  @UseGuards(AdminGuard)
  read(): { ok: true } {
    return { ok: true };
  }
}

async function appWithToken(token: string | undefined): Promise<NestFastifyApplication> {
  @Module({
    controllers: [AdminOnlyController],
    providers: [AdminGuard, { provide: ADMIN_TOKEN, useValue: token }],
  })
  class AdminTestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AdminTestModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  app.useGlobalFilters(new AppErrorFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function callAdmin(app: INestApplication, authorization?: string) {
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  const response = await fastify.inject({
    method: 'GET',
    url: '/admin',
    headers: authorization === undefined ? {} : { authorization },
  });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

describe('AdminGuard', () => {
  describe('with ADMIN_TOKEN configured', () => {
    let app: NestFastifyApplication;
    beforeAll(async () => {
      app = await appWithToken('s3cret-token');
    });
    afterAll(async () => {
      await app.close();
    });

    it('lets the right bearer token through', async () => {
      await expect(callAdmin(app, 'Bearer s3cret-token')).resolves.toEqual({
        status: 200,
        body: { ok: true },
      });
    });

    it.each([
      ['no Authorization header', undefined],
      ['a wrong token', 'Bearer s3cret-tokem'],
      ['a prefix of the token', 'Bearer s3cret'],
      ['the token without the Bearer scheme', 's3cret-token'],
      ['another scheme', 'Basic czNjcmV0LXRva2Vu'],
      ['an empty bearer', 'Bearer '],
    ])('answers 401 with a stable code for %s', async (_case, authorization) => {
      const { status, body } = await callAdmin(app, authorization);
      expect(status).toBe(401);
      expect(body).toMatchObject({ error: { code: 'UNAUTHORIZED', retriable: false } });
    });
  });

  it('refuses every admin call with 403 when no ADMIN_TOKEN is configured', async () => {
    const app = await appWithToken(undefined);
    try {
      const { status, body } = await callAdmin(app, 'Bearer anything');
      expect(status).toBe(403);
      expect(body).toMatchObject({ error: { code: 'ADMIN_DISABLED', retriable: false } });
      expect(JSON.stringify(body)).toContain('ADMIN_TOKEN is not configured');
    } finally {
      await app.close();
    }
  });
});
