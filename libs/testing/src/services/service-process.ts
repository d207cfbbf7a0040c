/**
 * Runs a platform service as its own OS process from the build output, as production does — for
 * end-to-end tests (which kill -9 them) and benchmarks (which must not share an event loop with it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../infrastructure/local-processes';

const run = promisify(execFile);

export const ALL_SERVICES = ['collector', 'preprocessor', 'trainer', 'scorer', 'console'] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];
/** Every app with a build output: the services and the CLI (`recsys`). */
export const ALL_BUILDS = [...ALL_SERVICES, 'cli'] as const;
export type BuildName = (typeof ALL_BUILDS)[number];

/** Set by the e2e global setup once it built the services and the CLI: suites then use them as they are. */
export const PREBUILT_SERVICES_ENV = 'RECSYS_PREBUILT_SERVICES';

/** The entry point of an app's build output (tools/build-app.sh replaces it in one step). */
export function distMainOf(name: BuildName): string {
  return join(REPO_ROOT, 'dist/apps', name, 'apps', name, 'src/main.js');
}

/** Builds apps with Nx (cached: a second build of unchanged sources takes a moment). */
export async function buildServices(names: BuildName[]): Promise<void> {
  const prebuilt = new Set((process.env[PREBUILT_SERVICES_ENV] ?? '').split(','));
  if (names.every((name) => prebuilt.has(name))) return;
  await run(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', names.join(','), '--output-style=static'],
    {
      cwd: REPO_ROOT,
      maxBuffer: 32 * 1024 * 1024,
      timeout: 5 * 60_000,
    },
  ).catch((error: unknown) => {
    // Nx prints the compiler's errors on standard output: the reason belongs in the failure.
    const stdout = (error as { stdout?: string }).stdout ?? '';
    throw new Error(`build of ${names.join(', ')} failed:\n${stdout.slice(-8_000)}`, {
      cause: error,
    });
  });
}

/** Runs the built CLI (`recsys`) with only the given environment; returns its standard output. */
export async function runCli(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, [distMainOf('cli'), ...args], {
    env,
    timeout: 120_000,
  });
  return stdout;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ServiceProcess<N extends ServiceName = ServiceName> {
  name: N;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or null when killed by a signal). */
  exited: Promise<number | null>;
  /** Output so far (for failure messages). */
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export interface StartServiceOptions<N extends ServiceName = ServiceName> {
  name: N;
  env: Record<string, string>;
  /** @default 30000 */
  readyTimeoutMs?: number;
}

/**
 * The V8 options every service runs with, here as in the image (deploy/docker/Dockerfile, NODE_OPTIONS)
 * and in `npm start` (tools/lib.sh): a young generation of 32 MB semi-spaces instead of V8's default
 * (16 MB at most). The services allocate many short-lived objects per event and request; with the
 * default, scavenges ran often enough to be a third of the preprocessor's busy time, and its writer
 * spent ~20 % less CPU per event with 32 MB (same batches, same machine, back to back). Costs at most
 * ~48 MB more memory per process.
 */
export const SERVICE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=32'];

/**
 * RECSYS_SERVICE_NODE_ARGS: extra Node options for every service process a test or bench starts, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a service under a bench (Node refuses those options
 * in NODE_OPTIONS).
 */
function serviceNodeArgs(): string[] {
  return (process.env['RECSYS_SERVICE_NODE_ARGS'] ?? '').split(/\s+/).filter((arg) => arg !== '');
}

export async function startServiceProcess<N extends ServiceName>(
  options: StartServiceOptions<N>,
): Promise<ServiceProcess<N>> {
  const port = await freePort();
  const main = distMainOf(options.name);
  const child = spawn(process.execPath, [...SERVICE_NODE_OPTIONS, ...serviceNodeArgs(), main], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ...options.env,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const service: ServiceProcess<N> = {
    name: options.name,
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  await waitUntilReady(service, options.readyTimeoutMs ?? 30_000);
  return service;
}

async function waitUntilReady(service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`${service.name} exited (${exitCode}) during start-up:\n${service.output()}`);
    const status = await fetch(`${service.url}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await service.stop('SIGKILL');
  throw new Error(`${service.name} not ready within ${timeoutMs} ms:\n${service.output()}`);
}

/** Runs a one-off command of a service's build output (e.g. `preprocessor rebuild`); returns stdout. */
export async function runServiceCommand(options: {
  name: ServiceName;
  args: string[];
  env: Record<string, string>;
}): Promise<string> {
  const main = distMainOf(options.name);
  const { stdout } = await run(process.execPath, [main, ...options.args], {
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
    timeout: 120_000,
  });
  return stdout;
}

/**
 * The environment of a user's shell for `npm start` (tools/start.sh) run by a test: this process's
 * environment without the test run's infrastructure and service settings, so the script starts its own
 * Kafka and Redis and uses its own defaults; `extra` on top (run dir, ports).
 */
export function userShellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const testSettings =
    /^(KAFKA_|REDIS_|ADMIN_TOKEN|HTTP_|RECSYS_RUN_DIR|RECSYS_PREBUILT|LOG_|TRAINER_|SYNTHETIC_)/;
  for (const name of Object.keys(env)) if (testSettings.test(name)) delete env[name];
  return { ...env, ...extra };
}

/** PATH of this process, e.g. to put a directory in front of it. */
export const currentPath = (): string => process.env['PATH'] ?? '';
