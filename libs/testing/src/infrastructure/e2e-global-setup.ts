/**
 * Jest global setup of the `e2e` project: the infrastructure (as for integration tests), then every
 * service built once. End-to-end suites run in parallel workers; if each built the services itself,
 * one build could delete a `dist/` folder another suite is starting a service from.
 */
import { ALL_SERVICES, PREBUILT_SERVICES_ENV, buildServices } from '../services/service-process';
import globalSetup from './global-setup';

export default async function e2eGlobalSetup(): Promise<void> {
  await globalSetup();
  const started = Date.now();
  await buildServices([...ALL_SERVICES]);
  process.env[PREBUILT_SERVICES_ENV] = ALL_SERVICES.join(',');
  process.stdout.write(
    `[test services] built ${ALL_SERVICES.join(', ')} in ${Date.now() - started} ms\n`,
  );
}
