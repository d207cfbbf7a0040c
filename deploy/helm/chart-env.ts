/**
 * Which environment variables each service reads, read from the services' own configuration code, and
 * which of them the chart sets itself. values.schema.json lets `<service>.env` name only the rest, so a
 * misspelt or stale setting fails at `helm install` instead of being ignored by the service.
 *
 *   node -r @swc-node/register deploy/helm/chart-env.ts          exit 1 when the schema's lists drifted
 *   node -r @swc-node/register deploy/helm/chart-env.ts --write  regenerate them in values.schema.json
 *
 * A configuration is `apps/<service>/src/config.ts` (plus the CLI's topics command for the Job): its own
 * `NAME:` keys and the libs/config fragments (`…EnvShape`) it uses; HTTP services also read the
 * observability fragment, which libs/platform's bootstrap loads for every one of them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as config from '@recsys/config';

export const REPO = join(__dirname, '..', '..');
export const CHART_DIR = join(__dirname, 'recsys');
export const SCHEMA_PATH = join(CHART_DIR, 'values.schema.json');

export const CHART_SERVICES = [
  'collector',
  'preprocessor',
  'trainer',
  'scorer',
  'console',
] as const;
export type ChartService = (typeof CHART_SERVICES)[number];

/** Read by Node itself, not by a service's configuration. */
export const RUNTIME_ENV = ['NODE_EXTRA_CA_CERTS'] as const;

/** Set by the chart from its own values (templates/_helpers.tpl), so `<service>.env` may not set them. */
const MANAGED_EVERYWHERE = [
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'KAFKA_TOPIC_PREFIX',
  'KAFKA_SSL',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_COMPRESSION',
  'KAFKA_CONNECTION_TIMEOUT_MS',
  'KAFKA_REQUEST_TIMEOUT_MS',
  'KAFKA_CREATE_TOPICS',
  'KAFKA_TOPIC_PARTITIONS',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_KEY_PREFIX',
  'REDIS_CONNECT_TIMEOUT_MS',
  'HTTP_HOST',
  'HTTP_PORT',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'LOG_HASH_KEY',
  'OTEL_SDK_DISABLED',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_RESOURCE_ATTRIBUTES',
];

export const MANAGED_ENV: Record<ChartService, string[]> = {
  collector: [...MANAGED_EVERYWHERE, 'COLLECTOR_PSEUDONYMISATION_SECRET', 'COLLECTOR_WRITE_KEYS'],
  preprocessor: [
    ...MANAGED_EVERYWHERE,
    'ADMIN_TOKEN',
    'PREPROCESSOR_PSEUDONYMISATION_SECRET',
    'PRIVACY_TOMBSTONE_SECRET',
  ],
  trainer: [...MANAGED_EVERYWHERE, 'ADMIN_TOKEN', 'PRIVACY_TOMBSTONE_SECRET'],
  scorer: [
    ...MANAGED_EVERYWHERE,
    'ADMIN_TOKEN',
    'SCORER_PSEUDONYMISATION_SECRET',
    'PRIVACY_TOMBSTONE_SECRET',
  ],
  console: [
    ...MANAGED_EVERYWHERE,
    'ADMIN_TOKEN',
    'CONSOLE_PSEUDONYMISATION_SECRET',
    'PRIVACY_TOMBSTONE_SECRET',
    'SCORER_URL',
    'CONSOLE_GROUP_ID',
  ],
};

/**
 * Known but refused in `<service>.env`: secrets belong in Secrets (the chart maps them), the chart
 * never runs the collector without write keys, and `HOST` would be ignored (the chart's HTTP_HOST wins).
 */
const REFUSED_ENV = ['COLLECTOR_AUTH_DISABLED', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'HOST'];

type Fragment = Record<string, unknown> | ((port: number) => Record<string, unknown>);

function fragmentKeys(name: string): string[] {
  const fragment = (config as unknown as Record<string, Fragment | undefined>)[name];
  if (fragment === undefined) throw new Error(`${name} is not exported by @recsys/config`);
  return Object.keys(typeof fragment === 'function' ? fragment(0) : fragment);
}

/** The variables a configuration source file declares: its own keys and the fragments it uses. */
export function envNamesOfSource(source: string): Set<string> {
  const names = new Set<string>();
  for (const match of source.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)) names.add(match[1] ?? '');
  // Fragments are imported from libs/config; a locally defined shape's keys were matched above.
  const imports = /import\s*\{([^}]*)\}\s*from\s*'@recsys\/config'/.exec(source)?.[1] ?? '';
  const fragments = [...imports.matchAll(/\b([a-z]\w*EnvShape)\b/g)].map((match) => match[1] ?? '');
  for (const fragment of fragments) for (const name of fragmentKeys(fragment)) names.add(name);
  return names;
}

function bootstrapReadsObservability(): boolean {
  const bootstrap = readFileSync(join(REPO, 'libs/platform/src/bootstrap.ts'), 'utf8');
  return bootstrap.includes('loadObservabilityConfig(');
}

/** Every variable `service` reads (its config.ts, and for HTTP services the bootstrap's fragments). */
export function knownEnvNames(service: ChartService | 'cli'): Set<string> {
  const files =
    service === 'cli'
      ? ['apps/cli/src/cli-config.ts', 'apps/cli/src/commands/topics.command.ts']
      : [`apps/${service}/src/config.ts`];
  const names = new Set<string>();
  for (const file of files) {
    for (const name of envNamesOfSource(readFileSync(join(REPO, file), 'utf8'))) names.add(name);
  }
  if (service !== 'cli' && bootstrapReadsObservability()) {
    for (const name of fragmentKeys('observabilityEnvShape')) names.add(name);
  }
  return names;
}

/** The names `<service>.env` accepts: everything the service reads that the chart does not set. */
export function tunableEnvNames(service: ChartService): string[] {
  const excluded = new Set([...MANAGED_ENV[service], ...REFUSED_ENV]);
  return [...knownEnvNames(service)].filter((name) => !excluded.has(name)).sort();
}

interface SchemaWithEnv {
  properties: Record<string, { properties: { env: { propertyNames: { enum: string[] } } } }>;
}

export function readSchema(): SchemaWithEnv {
  return JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaWithEnv;
}

export function schemaEnvNames(schema: SchemaWithEnv, service: ChartService): string[] {
  return schema.properties[service]?.properties.env.propertyNames.enum ?? [];
}

/** The schema with freshly generated env lists, formatted as the repository's Prettier would. */
export async function schemaWithEnvNames(): Promise<string> {
  const schema = readSchema();
  for (const service of CHART_SERVICES) {
    const env = schema.properties[service]?.properties.env;
    if (env !== undefined) env.propertyNames.enum = tunableEnvNames(service);
  }
  // Loaded only here: Prettier 3 cannot load inside Jest's module sandbox, which imports this file.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(SCHEMA_PATH)) ?? {};
  return prettier.format(JSON.stringify(schema), { ...options, filepath: SCHEMA_PATH });
}

async function main(argv: string[]): Promise<number> {
  const expected = await schemaWithEnvNames();
  if (argv.includes('--write')) {
    writeFileSync(SCHEMA_PATH, expected);
    process.stdout.write(`values.schema.json: env names of ${CHART_SERVICES.join(', ')} written\n`);
    return 0;
  }
  if (readFileSync(SCHEMA_PATH, 'utf8') !== expected) {
    process.stderr.write(
      "values.schema.json's env names differ from the services' configuration (or it is not formatted); " +
        'run: SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register deploy/helm/chart-env.ts --write\n',
    );
    return 1;
  }
  return 0;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
