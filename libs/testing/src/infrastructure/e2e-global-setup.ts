/**
 * Jest global setup of the `e2e` project: the infrastructure (as for integration tests), then every
 * service and the CLI built once. End-to-end suites run in parallel workers; if each built what it runs,
 * builds would race each other (and a suite would wait for a build it does not need).
 */
import { ALL_BUILDS, PREBUILT_SERVICES_ENV, buildServices } from '../services/service-process';
import globalSetup from './global-setup';

export default async function e2eGlobalSetup(): Promise<void> {
  await globalSetup();
  const started = Date.now();
  await buildServices([...ALL_BUILDS]);
  process.env[PREBUILT_SERVICES_ENV] = ALL_BUILDS.join(',');
  process.stdout.write(
    `[test services] built ${ALL_BUILDS.join(', ')} in ${Date.now() - started} ms\n`,
  );
}
