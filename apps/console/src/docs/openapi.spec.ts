import { ADMIN_SECURITY_SCHEME } from '@recsys/contracts';
import { AdminGuard, HealthController, OpenApiController } from '@recsys/platform';
import { declaredRoutes, describeOpenApiDocument } from '@recsys/testing';
import { ConsoleModule } from '../app.module';
import { loadConsoleConfig } from '../config';
import { buildConsoleOpenApiDocument } from './openapi';

describe('buildConsoleOpenApiDocument', () => {
  const document = buildConsoleOpenApiDocument();

  /** Every controller the console serves (a new one must be documented), except the document's. */
  const controllers = (
    ConsoleModule.forRoot(
      loadConsoleConfig({
        KAFKA_BROKERS: '127.0.0.1:9092',
        REDIS_URL: 'redis://127.0.0.1:6379',
        ADMIN_TOKEN: 'docs-test-admin-token-0123',
        SCORER_URL: 'http://127.0.0.1:3004',
      }),
    ).controllers ?? []
  ).filter((controller) => controller !== OpenApiController);

  describeOpenApiDocument({
    document,
    controllers,
    admin: { guard: AdminGuard, scheme: ADMIN_SECURITY_SCHEME },
  });

  it('puts the whole JSON API behind the admin token, and only it', () => {
    expect(controllers).toContain(HealthController);
    const routes = declaredRoutes(controllers, AdminGuard);
    expect(
      routes
        .filter((route) => route.admin)
        .map((route) => route.path)
        .sort(),
    ).toEqual(['/api/v1/experiments', '/api/v1/live', '/api/v1/models', '/api/v1/users/{id}']);
    expect(routes.filter((route) => !route.admin && route.path.startsWith('/api'))).toEqual([]);
  });
});
