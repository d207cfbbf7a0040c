/**
 * Assembles the runtime file set of one service image from its Nx build output: the compiled JavaScript
 * (source maps dropped), exactly the npm packages that code can load — the packages it imports, closed
 * over their dependencies as the root package-lock.json resolves them — and a package.json +
 * package-lock.json describing that subset (what SBOM and vulnerability scanners read).
 *
 *   node -r @swc-node/register deploy/docker/runtime-files.ts --service collector \
 *     --dist dist/apps/collector --root . --out /tmp/collector-image
 *
 * The Dockerfile runs it in its build stage (through deploy/docker/stage.sh) and copies `--out` into the
 * runtime stage; the image test runs the same script and starts the service from `--out`. Packages are
 * copied from the `npm ci`-installed node_modules (integrity-checked against the lock), never fetched
 * again, so both need no network. Fails on an import the lock cannot satisfy for production: a missing
 * package, a devDependency or an undeclared one.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

/** What differs between the images; everything else is the same Dockerfile. */
export const IMAGE_SERVICES = {
  collector: { port: 3001 },
  preprocessor: { port: 3002 },
  trainer: { port: 3003 },
  scorer: { port: 3004 },
  console: { port: 3005 },
  cli: { port: undefined },
} as const satisfies Record<string, { port: number | undefined }>;
export type ImageService = keyof typeof IMAGE_SERVICES;

export interface LockPackage {
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface LockFile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  packages: Record<string, LockPackage>;
}

/** `require("x")`, `import("x")` and `someRequire("x")` / `someRequire.resolve("x/…")` in compiled code. */
const SPECIFIER =
  /\b(?:require|import|[A-Za-z_$][\w$]*Require)(?:\.resolve)?\(\s*(['"])([^'"\s]+)\1\s*\)/g;
const BUILTINS = new Set(builtinModules);

/** The npm package a bare specifier names (`@scope/pkg/sub` → `@scope/pkg`), or undefined. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) {
    return undefined;
  }
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  return BUILTINS.has(name) ? undefined : name;
}

export function importedPackages(sources: Iterable<string>): Set<string> {
  const packages = new Set<string>();
  for (const source of sources) {
    for (const match of source.matchAll(SPECIFIER)) {
      const name = packageOfSpecifier(match[2] ?? '');
      if (name !== undefined) packages.add(name);
    }
  }
  return packages;
}

/**
 * Where Node would find `name` from the package installed at `fromPath` (a lock key such as
 * `node_modules/a/node_modules/b`): the nearest `node_modules/<name>` walking up, as in the lock.
 */
export function resolveInLock(lock: LockFile, fromPath: string, name: string): string | undefined {
  let base = fromPath;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

export interface ClosureOptions {
  lock: LockFile;
  imports: Iterable<string>;
  /** Optional root dependencies to include when installed (e.g. `@tensorflow/tfjs-node`). @default none */
  withOptional?: readonly string[];
}

export interface Closure {
  /** Lock keys (`node_modules/…`) of every package the runtime needs. */
  paths: string[];
  /** The root dependencies imported directly, with their locked versions. */
  direct: Record<string, string>;
  /** Optional root dependencies imported but left out (not asked for, or not installed). */
  skippedOptional: string[];
}

type RootKind = 'dependency' | 'optional' | 'dev' | 'undeclared';

function rootKindOf(root: LockPackage, name: string): RootKind {
  if (root.optionalDependencies?.[name] !== undefined) return 'optional';
  if (root.dependencies?.[name] !== undefined) return 'dependency';
  return root.devDependencies?.[name] !== undefined ? 'dev' : 'undeclared';
}

function directDependencies(options: ClosureOptions, problems: string[]) {
  const root = options.lock.packages[''] ?? {};
  const withOptional = new Set(options.withOptional ?? []);
  const roots: string[] = [];
  const skippedOptional: string[] = [];
  for (const name of [...options.imports].sort()) {
    const kind = rootKindOf(root, name);
    const installed = options.lock.packages[`node_modules/${name}`] !== undefined;
    if (kind === 'dependency' || (kind === 'optional' && withOptional.has(name) && installed)) {
      roots.push(name);
    } else if (kind === 'optional') {
      skippedOptional.push(name);
    } else {
      problems.push(
        `${name} is imported by the build output but ${kind === 'dev' ? 'only a devDependency' : 'not declared in package.json'}`,
      );
    }
  }
  return { roots, skippedOptional };
}

/** Dependencies of a package that must be present for it to load (peers too: npm installs them). */
function requiredDependencies(entry: LockPackage): { name: string; optional: boolean }[] {
  const optionalPeer = (name: string) => entry.peerDependenciesMeta?.[name]?.optional === true;
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...Object.keys(entry.peerDependencies ?? {}).map((name) => ({
      name,
      optional: optionalPeer(name),
    })),
  ];
}

/** The production closure of the imported packages over the lock file. */
export function runtimeClosure(options: ClosureOptions): Closure {
  const { lock } = options;
  const problems: string[] = [];
  const { roots, skippedOptional } = directDependencies(options, problems);
  const seen = new Set<string>();
  const queue = roots.map((name) => ({ from: '', name, optional: false, by: '(build output)' }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const path = resolveInLock(lock, next.from, next.name);
    if (path === undefined) {
      if (!next.optional)
        problems.push(`${next.name} (needed by ${next.by}) is not in the lock file`);
      continue;
    }
    if (seen.has(path)) continue;
    seen.add(path);
    const entry = lock.packages[path] ?? {};
    if (entry.dev === true) problems.push(`${path} is needed at runtime but locked as dev-only`);
    for (const dependency of requiredDependencies(entry)) {
      queue.push({ from: path, name: dependency.name, optional: dependency.optional, by: path });
    }
  }
  if (problems.length > 0) throw new Error(`runtime dependencies:\n  ${problems.join('\n  ')}`);
  const direct = Object.fromEntries(
    roots.map((name) => [name, lock.packages[`node_modules/${name}`]?.version ?? '*']),
  );
  return { paths: [...seen].sort(), direct, skippedOptional };
}

function* javascriptFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* javascriptFiles(path);
    else if (entry.name.endsWith('.js')) yield path;
  }
}

/** Files a running service never reads (types, source maps); licences and everything else stay. */
const DROPPED_FILE = /(\.d\.ts|\.d\.mts|\.d\.cts|\.map)$/;

function copyPackage(options: { root: string; out: string; path: string }): void {
  const source = join(options.root, options.path);
  if (!existsSync(source)) throw new Error(`${options.path} is in the lock file but not installed`);
  cpSync(source, join(options.out, options.path), {
    recursive: true,
    dereference: true,
    // Nested node_modules are lock entries of their own, copied only when they are in the closure.
    filter: (file) => {
      const inside = relative(source, file);
      return !inside.split('/').includes('node_modules') && !DROPPED_FILE.test(file);
    },
  });
}

export interface AssembleOptions {
  service: ImageService;
  /** The Nx build output of the service, `dist/apps/<service>`. */
  dist: string;
  /** The directory holding package.json, package-lock.json and the installed node_modules. */
  root: string;
  out: string;
  withOptional?: readonly string[];
}

export interface AssembleResult {
  main: string;
  closure: Closure;
}

function writeManifests(options: AssembleOptions, closure: Closure, lock: LockFile): string {
  const main = `apps/${options.service}/src/main.js`;
  const manifest = {
    name: `@recsys/${options.service}`,
    version: lock.version ?? '0.0.0',
    private: true,
    description: `recsys ${options.service}: runtime file set of the container image`,
    main,
    dependencies: closure.direct,
  };
  const packages: Record<string, LockPackage> = {
    '': { version: manifest.version, dependencies: closure.direct },
  };
  for (const path of closure.paths) packages[path] = lock.packages[path] ?? {};
  const prunedLock = {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages,
  };
  writeFileSync(join(options.out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(options.out, 'package-lock.json'), `${JSON.stringify(prunedLock, null, 2)}\n`);
  return main;
}

/**
 * The container HEALTHCHECK of an HTTP service: GET /health/live on the port the service listens on.
 * (Kubernetes ignores HEALTHCHECK and uses the chart's probes; this serves `docker run` and Compose.)
 */
function writeHealthcheck(out: string, port: number): void {
  const script = [
    "'use strict';",
    '// Exit 0 when the service answers GET /health/live with 200 within 2.5 s (docker HEALTHCHECK).',
    `const port = process.env.HTTP_PORT || '${port}';`,
    'fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2500) }).then(',
    '  (response) => process.exit(response.status === 200 ? 0 : 1),',
    '  () => process.exit(1),',
    ');',
    '',
  ].join('\n');
  writeFileSync(join(out, 'healthcheck.js'), script);
}

/** Copies the build output and the runtime packages into `out` and writes the manifests. */
export function assembleRuntime(options: AssembleOptions): AssembleResult {
  const mainFile = join(options.dist, 'apps', options.service, 'src', 'main.js');
  if (!existsSync(mainFile)) throw new Error(`${mainFile} missing: build ${options.service} first`);
  const lock = JSON.parse(
    readFileSync(join(options.root, 'package-lock.json'), 'utf8'),
  ) as LockFile;
  const files = [...javascriptFiles(options.dist)];
  const unresolved = files.filter((file) =>
    readFileSync(file, 'utf8').includes('require("@recsys/'),
  );
  if (unresolved.length > 0) {
    throw new Error(
      `@recsys/* imports left unresolved (tsc-alias not run?): ${unresolved.join(', ')}`,
    );
  }
  const closure = runtimeClosure({
    lock,
    imports: importedPackages(files.map((file) => readFileSync(file, 'utf8'))),
    ...(options.withOptional === undefined ? {} : { withOptional: options.withOptional }),
  });
  mkdirSync(options.out, { recursive: true });
  cpSync(options.dist, options.out, { recursive: true, filter: (file) => !file.endsWith('.map') });
  for (const path of closure.paths) copyPackage({ root: options.root, out: options.out, path });
  const main = writeManifests(options, closure, lock);
  const port: number | undefined = IMAGE_SERVICES[options.service].port;
  if (port !== undefined) writeHealthcheck(options.out, port);
  return { main, closure };
}

function directorySize(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + directorySize(join(path, name)), 0);
}

function argumentsOf(argv: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 2) {
    const key = argv[index] ?? '';
    if (!key.startsWith('--') || argv[index + 1] === undefined) {
      throw new Error(`expected --option value pairs, got "${key}"`);
    }
    values[key.slice(2)] = argv[index + 1] ?? '';
  }
  return values;
}

function main(argv: string[]): void {
  const values = argumentsOf(argv);
  const service = values['service'] ?? '';
  if (!(service in IMAGE_SERVICES)) {
    throw new Error(`--service must be one of ${Object.keys(IMAGE_SERVICES).join(', ')}`);
  }
  const withOptional = (values['with-optional'] ?? '').split(',').filter(Boolean);
  const out = values['out'] ?? '';
  const result = assembleRuntime({
    service: service as ImageService,
    dist: values['dist'] ?? `dist/apps/${service}`,
    root: values['root'] ?? '.',
    out,
    withOptional,
  });
  const megabytes = (directorySize(out) / 1024 / 1024).toFixed(1);
  process.stdout.write(
    `${service}: ${result.closure.paths.length} packages (${Object.keys(result.closure.direct).join(', ')}), ` +
      `${megabytes} MB in ${out}, main ${result.main}` +
      (result.closure.skippedOptional.length > 0
        ? `; optional not included: ${result.closure.skippedOptional.join(', ')}`
        : '') +
      '\n',
  );
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `runtime-files: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
