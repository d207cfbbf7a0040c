/**
 * The images' contents work, proven without Docker: the build context is assembled with .dockerignore's
 * rules, the Dockerfile's build-stage commands run on it (deploy/docker/stage.sh, the same script the
 * Dockerfile runs; only `npm ci` is replaced by the already installed node_modules of the same lock), and
 * each service starts from the assembled runtime file set alone — outside the repository, so nothing
 * else can be resolved, as the image's user 10001 when the test runs as root — against the real Kafka
 * and Redis, and must answer /health/live and /health/ready.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  REPO_ROOT,
  freePort,
  integrationEnvironment,
  testNamespace,
  waitFor,
} from '@recsys/testing';
import { imageUser, readDockerfile } from '../dockerfile';
import { IMAGE_SERVICES, type ImageService } from '../runtime-files';
import { copyBuildContext } from './build-context';

const run = promisify(execFile);
const environment = integrationEnvironment();
const namespace = testNamespace('image');
const workspace = mkdtempSync(join(tmpdir(), 'recsys-image-'));
const context = join(workspace, 'context');
const { uid, gid } = imageUser();
const asImageUser = process.getuid?.() === 0;

const HTTP_SERVICES = (Object.keys(IMAGE_SERVICES) as ImageService[]).filter(
  (service) => IMAGE_SERVICES[service].port !== undefined,
);
const present = (service: string) => existsSync(join(REPO_ROOT, 'apps', service, 'project.json'));
/**
 * Each image costs its own isolated Nx build (1–2 min on 2 cores), so `npm test` checks the two that
 * cover the most ground — the scorer (TensorFlow.js, Kafka, Redis, HTTP) and the cli (the chart's topic
 * Job) — and `npm run test:images` (RECSYS_IMAGE_TEST_SERVICES=all) checks every image.
 */
const selected = (process.env['RECSYS_IMAGE_TEST_SERVICES'] ?? 'scorer,cli').split(',');
const tested = (service: string) =>
  present(service) && (selected.includes('all') || selected.includes(service));

const WRITE_KEY = 'image-test-write-key-0123456789';
const SECRET = 'image-test-pseudonymisation-0123456789';
const SERVICE_ENV: Record<ImageService, Record<string, string>> = {
  collector: {
    COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
    COLLECTOR_WRITE_KEYS: JSON.stringify([{ storefront: 'image-test', key: WRITE_KEY }]),
  },
  preprocessor: {},
  trainer: { ADMIN_TOKEN: 'image-test-admin-token-0123' },
  scorer: { SCORER_PSEUDONYMISATION_SECRET: SECRET, ADMIN_TOKEN: 'image-test-admin-token-0123' },
  console: { SCORER_URL: 'http://127.0.0.1:9', ADMIN_TOKEN: 'image-test-admin-token-0123' },
  cli: {},
};

beforeAll(() => {
  chmodSync(workspace, 0o755);
  copyBuildContext(REPO_ROOT, context);
  // Stands in for the build stage's `npm ci --ignore-scripts` of the same package-lock.json.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(context, 'node_modules'), 'dir');
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** Runs the Dockerfile's build-stage commands for `service`; returns the runtime directory (/app). */
async function buildImageContents(service: ImageService): Promise<string> {
  const stage = (args: string[]) =>
    run('bash', ['deploy/docker/stage.sh', ...args], {
      cwd: context,
      timeout: 8 * 60_000,
      maxBuffer: 32 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string; message?: string }) => {
      // Nx prints the compiler's messages on stdout: keep them in the failure.
      throw new Error(
        `${error.message ?? 'stage.sh failed'}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`,
      );
    });
  await stage(['build', service]);
  const app = join(workspace, 'images', service, 'app');
  mkdirSync(dirname(app), { recursive: true, mode: 0o755 });
  chmodSync(join(workspace, 'images'), 0o755);
  await stage(['assemble', service, app]);
  return app;
}

function nodeModulesAbove(directory: string): string[] {
  const found: string[] = [];
  for (let current = dirname(directory); ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) found.push(join(current, 'node_modules'));
    if (dirname(current) === current) return found;
  }
}

interface Started {
  url: string;
  port: number;
  output: () => string;
  /** The service's exit: code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal to the service process itself (not to a wrapper). */
  signal: (signal: NodeJS.Signals) => void;
}

const onPath = (command: string) =>
  ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].some((directory) =>
    existsSync(join(directory, command)),
  );
/**
 * As root on Linux the service runs as the container runs it: PID 1 of its own PID namespace (a signal
 * without a handler does nothing to PID 1, so a clean exit on SIGTERM is not a given) and as the image's
 * numeric user. Elsewhere it runs as a plain child process.
 */
const containerLike = asImageUser && onPath('unshare') && onPath('setpriv');

function commandLine(app: string, args: string[]): [string, string[]] {
  const node = [process.execPath, app, ...args];
  if (!containerLike) return [process.execPath, node.slice(1)];
  const user = [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups'];
  return ['unshare', ['--pid', '--fork', '--kill-child', '--', 'setpriv', ...user, ...node]];
}

/** The service's pid: the wrapper's child in container-like mode. */
function servicePid(child: ChildProcess): number | undefined {
  if (!containerLike || child.pid === undefined) return child.pid;
  const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
  return children === '' ? undefined : Number(children.split(/\s+/)[0]);
}

async function startFrom(app: string, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const [command, args] = commandLine(app, []);
  const child = spawn(command, args, {
    cwd: app,
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      NODE_ENV: 'production',
      ...env,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asImageUser && !containerLike ? { uid, gid } : {}),
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    output: () => output,
    exited,
    signal: (signal) => {
      const pid = servicePid(child);
      if (pid !== undefined) process.kill(pid, signal);
    },
  };
}

/** The exit after a stop signal; SIGKILL (and a test failure) when it takes longer than `ms`. */
async function exitWithin(started: Started, ms: number) {
  const timer = setTimeout(() => started.signal('SIGKILL'), ms);
  try {
    return await started.exited;
  } finally {
    clearTimeout(timer);
  }
}

const statusOf = (url: string) =>
  fetch(url).then(
    (response) => response.status,
    () => 0,
  );

function baseEnv(): Record<string, string> {
  return {
    KAFKA_BROKERS: environment.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: namespace.topicPrefix,
    REDIS_URL: environment.redisUrl,
    REDIS_KEY_PREFIX: namespace.redisKeyPrefix,
  };
}

describe('image contents (Dockerfile build stage reproduced, runtime stage started)', () => {
  it('every app with a build target has an image, and the runtime Node line is the image base line', () => {
    const apps = ['collector', 'preprocessor', 'trainer', 'scorer', 'console', 'cli'].filter(
      present,
    );
    for (const app of apps) expect(Object.keys(IMAGE_SERVICES)).toContain(app);
    const base = readDockerfile().preamble.find((instruction) =>
      instruction.args.startsWith('NODE_IMAGE='),
    );
    const imageMajor = /node:(\d+)\./.exec(base?.args ?? '')?.[1];
    expect(process.versions.node.split('.')[0]).toBe(imageMajor);
    expect(nodeModulesAbove(join(workspace, 'images', 'x', 'app'))).toEqual([]);
  });

  it.each(HTTP_SERVICES.filter(tested))(
    '%s starts from its runtime file set alone and answers /health/live and /health/ready',
    async (service) => {
      const app = await buildImageContents(service);
      const tensorflow = existsSync(join(app, 'node_modules/@tensorflow'));
      expect(tensorflow).toBe(service === 'trainer' || service === 'scorer');
      expect(existsSync(join(app, 'node_modules/jest'))).toBe(false);
      expect(existsSync(join(app, 'node_modules/typescript'))).toBe(false);

      const started = await startFrom(app, { ...baseEnv(), ...SERVICE_ENV[service] });
      try {
        let exitCode: number | null | undefined;
        void started.exited.then(({ code }) => (exitCode = code));
        await waitFor(
          async () => {
            if (exitCode !== undefined)
              throw new Error(`${service} exited (${exitCode}):\n${started.output()}`);
            const ready = await statusOf(`${started.url}/health/ready`);
            return (await statusOf(`${started.url}/health/live`)) === 200 && ready === 200
              ? true
              : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 250, description: `${service} ready` },
        ).catch((error: unknown) => {
          throw new Error(`${String(error)}\n${started.output()}`);
        });
        const healthcheck = await run(process.execPath, [join(app, 'healthcheck.js')], {
          env: { HTTP_PORT: String(started.port) },
        }).then(
          () => 0,
          (error: { code?: number }) => error.code ?? 1,
        );
        expect(healthcheck).toBe(0);
      } finally {
        started.signal('SIGTERM');
      }
      // SIGTERM (what Kubernetes sends) shuts down cleanly: as PID 1, exit code 0 once everything is
      // closed; as a plain child, Nest re-raises the signal after its shutdown hooks.
      const exit = await exitWithin(started, 30_000);
      const clean = containerLike ? exit.code === 0 : exit.code === 0 || exit.signal === 'SIGTERM';
      expect({ ...exit, clean }).toMatchObject({ clean: true });
    },
    10 * 60_000,
  );

  it.each((['cli'] as const).filter(tested))(
    "the %s image runs `recsys topics ensure` (the chart's topic Job) against the real Kafka",
    async (service) => {
      const app = await buildImageContents(service);
      expect(existsSync(join(app, 'healthcheck.js'))).toBe(false);
      const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      expect(Object.keys(manifest.dependencies)).toContain('kafkajs');
      const prefix = testNamespace('image-cli').topicPrefix;
      const { stdout } = await run(
        process.execPath,
        [app, 'topics', 'ensure', '--partitions', '2', '--retention-ms', '3600000'],
        {
          cwd: app,
          env: {
            PATH: '/usr/bin:/bin',
            KAFKA_BROKERS: environment.kafkaBrokers.join(','),
            KAFKA_TOPIC_PREFIX: prefix,
          },
          timeout: 120_000,
          ...(asImageUser ? { uid, gid } : {}),
        },
      );
      expect(stdout).toMatch(new RegExp(`${prefix}\\.events\\.raw\\.v1 +2 +1 +3600000 +created`));
    },
    10 * 60_000,
  );
});
