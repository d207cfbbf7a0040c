// Lint rules for the whole monorepo. Module boundaries come from Nx tags (see README "Layout"):
// dependencies point one way (app → platform → data-access → domain → contracts/util), and each outside
// system has exactly one lib allowed to import its client.
import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const ALL_LIB_TYPES = [
  'type:platform',
  'type:data-access',
  'type:domain',
  'type:util',
  'type:contracts',
  'type:telemetry',
];
const SPEC_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'];

// Each outside system's client is imported by exactly one adapter lib (tagged adapter:<system>).
const CLIENTS = { kafka: 'kafkajs', redis: 'ioredis', tfjs: '@tensorflow/*' };
const clientsExcept = (system) =>
  Object.entries(CLIENTS)
    .filter(([name]) => name !== system)
    .map(([, client]) => client);

/**
 * The module-boundary rule. Test files of zod-only libs may also use the test tools (property-based
 * generators); production files may not.
 */
function moduleBoundaries(testTools) {
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      banTransitiveDependencies: false,
      depConstraints: [
        {
          sourceTag: 'type:app',
          onlyDependOnLibsWithTags: [...ALL_LIB_TYPES, 'type:testing'],
          bannedExternalImports: Object.values(CLIENTS),
        },
        // Benchmarks compare the platform with bare clients on purpose, so they may import kafkajs.
        {
          sourceTag: 'type:tooling',
          onlyDependOnLibsWithTags: [...ALL_LIB_TYPES, 'type:testing'],
        },
        {
          sourceTag: 'type:e2e',
          onlyDependOnLibsWithTags: [
            'type:contracts',
            'type:util',
            'type:testing',
            'type:domain',
            'type:data-access',
          ],
        },
        {
          sourceTag: 'type:platform',
          onlyDependOnLibsWithTags: [
            'type:data-access',
            'type:util',
            'type:contracts',
            'type:telemetry',
            'type:testing',
          ],
          bannedExternalImports: Object.values(CLIENTS),
        },
        { sourceTag: 'adapter:kafka', bannedExternalImports: clientsExcept('kafka') },
        { sourceTag: 'adapter:redis', bannedExternalImports: clientsExcept('redis') },
        { sourceTag: 'adapter:tfjs', bannedExternalImports: clientsExcept('tfjs') },
        // Tracing (libs/telemetry) is the one importer of OpenTelemetry; every project of another type is
        // refused it, and the lib itself knows only contracts and config.
        { sourceTag: 'adapter:otel', bannedExternalImports: Object.values(CLIENTS) },
        { sourceTag: '/^type:(?!telemetry$)/', bannedExternalImports: ['@opentelemetry/*'] },
        {
          sourceTag: 'type:telemetry',
          onlyDependOnLibsWithTags: ['type:contracts', 'type:util'],
        },
        {
          sourceTag: 'type:data-access',
          onlyDependOnLibsWithTags: [
            'type:domain',
            'type:util',
            'type:contracts',
            'type:telemetry',
            'type:testing',
          ],
        },
        {
          sourceTag: 'type:domain',
          onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:testing'],
          bannedExternalImports: ['@nestjs/*', 'kafkajs', 'ioredis', 'fastify'],
        },
        {
          sourceTag: 'type:util',
          onlyDependOnLibsWithTags: ['type:testing'],
          allowedExternalImports: ['zod', ...testTools],
        },
        {
          sourceTag: 'type:contracts',
          onlyDependOnLibsWithTags: ['type:testing'],
          allowedExternalImports: ['zod', ...testTools],
        },
        {
          sourceTag: 'type:testing',
          onlyDependOnLibsWithTags: [...ALL_LIB_TYPES, 'type:testing'],
        },
        ...[
          'collector',
          'preprocessor',
          'trainer',
          'scorer',
          'console',
          'cli',
          'e2e',
          'tooling',
        ].map((app) => ({
          sourceTag: `scope:${app}`,
          onlyDependOnLibsWithTags: ['scope:shared', `scope:${app}`],
        })),
        { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**', '.run/**', '**/*.js', '**/*.mjs'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // .mts: the console's browser modules (apps/console/web), compiled apart from the Node code.
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries([]),
      // An async function that implements a Promise-returning interface needs no await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/naming-convention': [
        'error',
        { selector: 'typeLike', format: ['PascalCase'] },
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: false },
        },
      ],
      'no-process-env': 'error',
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      complexity: ['error', 10],
      'max-depth': ['error', 3],
      'max-params': ['error', 3],
    },
  },
  // process.env is read in one place: libs/config (and the test harness that provisions it).
  {
    files: [
      'libs/config/src/**/*.ts',
      'libs/testing/src/infrastructure/**/*.ts',
      'libs/testing/src/services/**/*.ts',
      // A service fixture started as a child process reads its environment as main.ts does.
      'libs/*/test/fixtures/**/*.ts',
      'tools/**/*.ts',
      'deploy/**/test/**/*.ts',
    ],
    rules: { 'no-process-env': 'off' },
  },
  // Production code never imports the test harness (Nx tags cannot tell a spec file from production code).
  {
    files: ['**/*.ts'],
    // Benchmarks (tools/) run services and infrastructure through the harness on purpose.
    ignores: [...SPEC_FILES, 'libs/testing/**', 'tools/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@recsys/testing', message: 'Only tests may import @recsys/testing.' }] },
      ],
    },
  },
  {
    files: SPEC_FILES,
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/no-commented-out-tests': 'error',
      '@nx/enforce-module-boundaries': moduleBoundaries(['fast-check']),
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*'] }],
      'max-lines-per-function': 'off',
      'max-lines': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // expect.any() / expect.objectContaining() are typed `any` by @types/jest.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  // Nest injects dependencies positionally (constructors, module factories): the options-object rule
  // cannot apply there, so it is lifted for modules and the injectables they wire.
  {
    files: ['**/*.module.ts', '**/*.consumer.ts', '**/*.service.ts', '**/*.controller.ts'],
    rules: { 'max-params': 'off' },
  },
  prettier,
);
