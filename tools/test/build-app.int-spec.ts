/**
 * tools/build-app.sh, the `build` target of every app: a build never exposes a half-written or missing
 * output. Before it, `nx run cli:build` began with `rm -rf dist/apps/cli`, so a replay, a test or a second
 * `npm run cli` running from that folder lost its modules mid-run ("Cannot find module …").
 * Here two builds of the CLI run at once into a private dist folder (inside the checkout, where
 * node_modules resolves), while the folder is watched and the CLI runs from it again and again.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@recsys/testing';

const BUILD_TIMEOUT_MS = 240_000;

function build(dist: string): Promise<number | null> {
  const child = spawn('bash', ['tools/build-app.sh', 'cli'], {
    cwd: REPO_ROOT,
    env: { PATH: `${join(REPO_ROOT, 'node_modules/.bin')}:/usr/bin:/bin`, BUILD_APP_DIST: dist },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** `recsys --help` from the built output: 0 when every module it loads is there. */
const runCli = (main: string): Promise<number | null> =>
  new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [main, '--help'],
      { timeout: 60_000 },
      () => undefined,
    );
    child.once('exit', (code) => resolve(code));
  });

describe('tools/build-app.sh', () => {
  mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
  const dist = mkdtempSync(join(REPO_ROOT, 'tmp', 'build-app-'));
  const output = join(dist, 'apps/cli');
  const main = join(output, 'apps/cli/src/main.js');
  const libraryModule = join(output, 'libs/config/src/index.js');

  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it(
    'swaps a complete build in: concurrent rebuilds never leave the CLI missing or half-written',
    async () => {
      expect(await build(dist)).toBe(0);
      expect(await runCli(main)).toBe(0);

      const missing: string[] = [];
      const failedRuns: Array<number | null> = [];
      let building = true;
      const watch = (async () => {
        while (building) {
          for (const file of [main, libraryModule]) if (!existsSync(file)) missing.push(file);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const runs = (async () => {
        while (building) {
          const status = await runCli(main);
          if (status !== 0) failedRuns.push(status);
        }
      })();

      const codes = await Promise.all([build(dist), build(dist)]);
      building = false;
      await Promise.all([watch, runs]);

      expect(codes).toEqual([0, 0]);
      expect(missing).toEqual([]);
      expect(failedRuns).toEqual([]);
      expect(await runCli(main)).toBe(0);
      // Each build cleaned its private staging folder.
      expect(readdirSync(join(dist, '.tmp'))).toEqual([]);
    },
    BUILD_TIMEOUT_MS * 2,
  );

  it(
    'leaves the previous output working when a build is killed half-way',
    async () => {
      const child = spawn('bash', ['tools/build-app.sh', 'cli'], {
        cwd: REPO_ROOT,
        env: {
          PATH: `${join(REPO_ROOT, 'node_modules/.bin')}:/usr/bin:/bin`,
          BUILD_APP_DIST: dist,
        },
        stdio: 'ignore',
        detached: true,
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Killed while tsc writes into its staging folder.
      for (let waited = 0; waited < 60_000; waited += 50) {
        if (readdirSync(join(dist, '.tmp')).length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      process.kill(-child.pid!, 'SIGKILL');
      await exited;

      expect(await runCli(main)).toBe(0);
    },
    BUILD_TIMEOUT_MS,
  );
});
