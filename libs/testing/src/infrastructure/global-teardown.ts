/** Jest global teardown: stops what the global setup started (never an env-provided cluster). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.recsysTestInfrastructure?.release();
  globalThis.recsysTestInfrastructure = undefined;
}
