/**
 * `npm start` as a new user runs it, black box: tools/start.sh as a child process from a clean state (a
 * private run dir, its own Kafka and Redis, free ports), checked from outside. Every service answers
 * ready; the synthetic storefront runs and, killed, is reported and restarted; a champion model is
 * promoted within five minutes of start; the scorer personalises for a synthetic shopper; SIGINT to the
 * process group leaves no process of the run and frees every port. A failing build is reported with the
 * compiler's words before anything starts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, currentPath, freePort, userShellEnv, waitFor } from '@recsys/testing';

const SERVICE_NAMES = ['collector', 'preprocessor', 'trainer', 'scorer', 'console'] as const;
type ServiceName = (typeof SERVICE_NAMES)[number];
const CHAMPION_DEADLINE_MS = 5 * 60_000;
/** Kafka, Redis and five services start one after another on a busy 2-core CI machine. */
const READY_DEADLINE_MS = 4 * 60_000;

/** A process that is running (not a zombie waiting to be reaped). */
function running(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Running processes of the run: in one of its process groups (start.sh's, the storefront's), or naming
 * the run dir on their command line (Kafka's java reads its config there).
 */
function processesOf(runDir: string, groups: number[]): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const group = Number(
          /\) \S+ \d+ (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1],
        );
        const mentions = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runDir);
        return (mentions || groups.includes(group)) && running(pid);
      } catch {
        return false;
      }
    });
}

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const readPid = (file: string): number | undefined =>
  existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;

async function getJson(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return response.ok ? ((await response.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

describe('npm start from a clean state', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'recsys-first-run-'));
  const ports = {} as Record<ServiceName, number>;
  let start: ChildProcess;
  let startedAt = 0;
  let output = '';
  let exited: Promise<number | null>;
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;

  beforeAll(async () => {
    for (const name of SERVICE_NAMES) ports[name] = await freePort();
    startedAt = Date.now();
    // Its own process group, as a terminal gives `npm start`: Ctrl-C is SIGINT to the whole group.
    start = spawn('bash', ['tools/start.sh'], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: userShellEnv({
        RECSYS_RUN_DIR: runDir,
        ...Object.fromEntries(
          SERVICE_NAMES.map((name) => [`${name.toUpperCase()}_HTTP_PORT`, String(ports[name])]),
        ),
      }),
    });
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-200_000));
    start.stdout?.on('data', keep);
    start.stderr?.on('data', keep);
    exited = new Promise((resolve) => start.once('exit', (code) => resolve(code)));
    await waitFor(
      () => {
        if (start.exitCode !== null) throw new Error(`start.sh exited early:\n${output}`);
        return output.includes('Platform running') ? true : undefined;
      },
      { timeoutMs: READY_DEADLINE_MS, intervalMs: 500, description: 'the start banner' },
    );
  }, READY_DEADLINE_MS + 60_000);

  afterAll(async () => {
    // A failed test must not leave a platform running either.
    if (start.exitCode === null && start.pid !== undefined) {
      process.kill(-start.pid, 'SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 90_000))]);
    }
    rmSync(runDir, { recursive: true, force: true });
  }, 120_000);

  it('has every service ready, on the loopback address, and prints no admin token', async () => {
    for (const name of SERVICE_NAMES) {
      const response = await fetch(`${url(name)}/health/ready`);
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
    }
    const token = readFileSync(join(runDir, 'admin-token'), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(output).not.toContain(token);
    expect(output).toContain(join(runDir, 'admin-token'));
    expect((statSync(join(runDir, 'admin-token')).mode & 0o777).toString(8)).toBe('600');
  });

  it('runs the synthetic storefront, and restarts it with the reason logged when it is killed', async () => {
    const pidFile = join(runDir, 'synthetic-replay.pid');
    const first = await waitFor(() => readPid(pidFile), {
      timeoutMs: 60_000,
      description: 'the replay pid',
    });
    expect(running(first)).toBe(true);

    process.kill(first, 'SIGKILL');

    await waitFor(() => (/replay stopped \(killed by SIGKILL\)/.test(output) ? true : undefined), {
      timeoutMs: 60_000,
      description: 'the logged reason of the stopped replay',
    });
    const second = await waitFor(
      () => {
        const pid = readPid(pidFile);
        return pid !== undefined && pid !== first && running(pid) ? pid : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'a restarted replay' },
    );
    expect(output).toMatch(/round 2:/);
    expect(running(second)).toBe(true);
  });

  it(
    'promotes a champion model within five minutes of start',
    async () => {
      const champion = await waitFor(
        async () => {
          const models = await getJson(`${url('trainer')}/v1/models`);
          return typeof models?.['champion'] === 'string' ? models['champion'] : undefined;
        },
        {
          timeoutMs: Math.max(0, startedAt + CHAMPION_DEADLINE_MS - Date.now()),
          intervalMs: 2_000,
          description: 'a champion model within 5 minutes of start',
        },
      );
      expect(champion).toMatch(/\S/);
      process.stdout.write(
        `[first run] champion ${champion} ${Math.round((Date.now() - startedAt) / 1000)} s after start\n`,
      );
    },
    CHAMPION_DEADLINE_MS + 30_000,
  );

  it('recommends personally to a synthetic shopper', async () => {
    const shoppers = Array.from(
      { length: 300 },
      (_, index) => `u-${String(index + 1).padStart(5, '0')}`,
    );
    const personal = await waitFor(
      async () => {
        for (const shopper of shoppers) {
          const answer = await getJson(`${url('scorer')}/v1/recommendations/${shopper}?k=10`);
          const items = answer?.['items'];
          if (answer?.['personalized'] === true && Array.isArray(items) && items.length > 0)
            return answer;
        }
        return undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, description: 'a personalised recommendation' },
    );
    expect(personal['userId']).toMatch(/^u-\d{5}$/);
  }, 180_000);

  it('stops every process of the run on SIGINT and frees the ports', async () => {
    const named = [
      ...SERVICE_NAMES.map((name) => join(runDir, `${name}.pid`)),
      join(runDir, 'synthetic-storefront.pid'),
      join(runDir, 'synthetic-replay.pid'),
      join(runDir, 'kafka', 'pid'),
      join(runDir, 'redis', 'pid'),
    ];
    const pids = named.map(readPid).filter((pid): pid is number => pid !== undefined);
    const groups = [start.pid!, readPid(join(runDir, 'synthetic-storefront.pid'))!];
    expect(pids.length).toBeGreaterThanOrEqual(9);
    const infraPorts = ['kafka', 'redis'].map((name) =>
      Number(readFileSync(join(runDir, name, 'port'), 'utf8').trim()),
    );

    process.kill(-start.pid!, 'SIGINT');
    await expect(exited).resolves.toBe(130);

    expect(pids.filter(running)).toEqual([]);
    expect(processesOf(runDir, groups)).toEqual([]);
    for (const port of [...Object.values(ports), ...infraPorts])
      expect({ port, free: await portFree(port) }).toEqual({ port, free: true });
    expect(output).toMatch(/\[start\] stopped/);
  }, 120_000);
});

describe('npm start with a failing build', () => {
  it('prints the build output with its reason and starts nothing', () => {
    const runDir = mkdtempSync(join(tmpdir(), 'recsys-build-error-'));
    // The build step runs `npx nx …`: an npx that fails as tsc does stands in for a broken source file.
    const bin = join(runDir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'npx'),
      "#!/bin/sh\necho \"apps/cli/src/main.ts(3,7): error TS2322: Type 'number' is not assignable to type 'string'.\"\necho 'Running target build for 6 projects failed'\nexit 1\n",
    );
    chmodSync(join(bin, 'npx'), 0o755);
    try {
      const result = spawnSync('bash', ['tools/start.sh'], {
        cwd: REPO_ROOT,
        env: userShellEnv({ RECSYS_RUN_DIR: runDir, PATH: `${bin}:${currentPath()}` }),
        encoding: 'utf8',
        timeout: 120_000,
      });

      expect(result.status).toBe(1);
      expect(result.stderr).toContain("error TS2322: Type 'number' is not assignable");
      expect(result.stderr).toMatch(/the build failed/);
      expect(existsSync(join(runDir, 'kafka'))).toBe(false);
      expect(existsSync(join(runDir, 'redis'))).toBe(false);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
