// One Jest run for the whole repo, so `npm test` ends with one summary.
//   unit:        *.spec.ts next to the code; no network.
//   integration: *.int-spec.ts under <project>/test (and tools/test); real Kafka and Redis, provisioned once
//                by libs/testing's global setup (env addresses, else testcontainers, else local processes).
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swcTransform },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@recsys/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools,deploy}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools,deploy}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/infrastructure/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/infrastructure/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/setup/integration.setup.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/pipeline-e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/infrastructure/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/infrastructure/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/setup/e2e.setup.ts'],
    },
  ],
  reporters: ['default', '<rootDir>/libs/testing/src/reporters/closing-line-reporter.js'],
  maxWorkers: 2,
};
