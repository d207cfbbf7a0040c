import { ADMIN_SECURITY_SCHEME } from '@recsys/contracts';
import { AdminGuard, HealthController, OpenApiController } from '@recsys/platform';
import { describeOpenApiDocument } from '@recsys/testing';
import { TrainerModule } from '../app.module';
import { loadTrainerConfig } from '../config';
import { modelsQuerySchema } from '../http/models-api';
import { buildTrainerOpenApiDocument } from './openapi';

describe('buildTrainerOpenApiDocument', () => {
  const document = buildTrainerOpenApiDocument();

  /** Every controller the trainer serves (a new one must be documented), except the document's. */
  const controllers = (
    TrainerModule.forRoot(
      loadTrainerConfig({ KAFKA_BROKERS: '127.0.0.1:9092', REDIS_URL: 'redis://127.0.0.1:6379' }),
    ).controllers ?? []
  ).filter((controller) => controller !== OpenApiController);

  describeOpenApiDocument({
    document,
    controllers,
    admin: { guard: AdminGuard, scheme: ADMIN_SECURITY_SCHEME },
  });

  it('serves health, the models API and the privacy view', () => {
    expect(controllers).toContain(HealthController);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/models',
        '/v1/models/{version}/promote',
        '/v1/privacy/subjects/{subject}',
      ]),
    );
  });

  it('refuses a list query it does not document, instead of guessing (400, not 200)', () => {
    expect(modelsQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(modelsQuerySchema.parse({ limit: '500' })).toEqual({ limit: 500 });
    for (const query of [{ limit: 'abc' }, { limit: '0' }, { limit: '501' }, { other: '1' }]) {
      expect(modelsQuerySchema.safeParse(query).success).toBe(false);
    }
  });
});
