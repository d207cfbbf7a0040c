import { ADMIN_SECURITY_SCHEME, erasureRequestV1Schema } from '@recsys/contracts';
import { AdminGuard, HealthController, OpenApiController } from '@recsys/platform';
import { describeOpenApiDocument, openApiSchemaValidator } from '@recsys/testing';
import { PreprocessorModule } from '../app.module';
import { loadPreprocessorConfig } from '../config';
import { buildPreprocessorOpenApiDocument } from './openapi';

describe('buildPreprocessorOpenApiDocument', () => {
  const document = buildPreprocessorOpenApiDocument();

  /** Every controller the preprocessor serves (a new one must be documented), except the document's. */
  const controllers = (
    PreprocessorModule.forRoot(
      loadPreprocessorConfig({
        KAFKA_BROKERS: '127.0.0.1:9092',
        REDIS_URL: 'redis://127.0.0.1:6379',
      }),
    ).controllers ?? []
  ).filter((controller) => controller !== OpenApiController);

  describeOpenApiDocument({
    document,
    controllers,
    admin: { guard: AdminGuard, scheme: ADMIN_SECURITY_SCHEME },
  });

  let validator: Awaited<ReturnType<typeof openApiSchemaValidator>>;
  beforeAll(async () => {
    validator = await openApiSchemaValidator(document, ['ErasureRequestV1']);
  }, 60_000);
  afterAll(async () => {
    await validator.close();
  });

  it('serves health and the erasure API', () => {
    expect(controllers).toContain(HealthController);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/privacy/erasures', '/v1/privacy/erasures/{requestId}']),
    );
  });

  it.each([
    ['a user id', { userId: 'u-1', reason: 'GDPR art. 17 #1' }, true],
    ['an anonymous id', { anonymousId: 'a-1' }, true],
    ['both ids', { userId: 'u-1', anonymousId: 'a-1' }, false],
    ['no id', { reason: 'r' }, false],
    ['an unknown field', { userId: 'u-1', note: 'x' }, false],
  ])(
    'takes an erasure request with %s exactly as zod does',
    async (_case, body, valid) => {
      const validator = await openApiSchemaValidator(document, ['ErasureRequestV1']);
      try {
        expect(erasureRequestV1Schema.safeParse(body).success).toBe(valid);
        expect(await validator.accepts('ErasureRequestV1', body)).toBe(valid);
      } finally {
        await validator.close();
      }
    },
    60_000,
  );
});
