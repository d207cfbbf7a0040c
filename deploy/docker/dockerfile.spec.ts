/**
 * Static checks of the image build (no Docker needed): the Dockerfile's shape and hardening, and what
 * the build context lets in. deploy/docker/test/image.int-spec.ts proves the image contents run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, SERVICE_NODE_OPTIONS } from '@recsys/testing';
import { contextFiles, isExcluded, parseDockerignore } from './test/build-context';
import {
  effectiveUser,
  imageUser,
  parseDockerfile,
  readDockerfile,
  stageChain,
  type Instruction,
  type Stage,
} from './dockerfile';

const dockerfile = readDockerfile();
const stageNamed = (name: string): Stage => {
  const stage = dockerfile.stages.find((candidate) => candidate.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
};
const all = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword);
const chainInstructions = (name: string, keyword: string): Instruction[] =>
  stageChain(dockerfile, name).flatMap((stage) => all(stage, keyword));

describe('Dockerfile', () => {
  it('pins one exact Node 20 LTS bookworm-slim tag for every stage', () => {
    const arg = dockerfile.preamble.find((instruction) =>
      instruction.args.startsWith('NODE_IMAGE='),
    );
    expect(arg?.args).toMatch(/^NODE_IMAGE=node:20\.\d+\.\d+-bookworm-slim$/);
    const names = new Set(dockerfile.stages.map((stage) => stage.name));
    for (const stage of dockerfile.stages) {
      expect(stage.from === '${NODE_IMAGE}' || names.has(stage.from)).toBe(true);
    }
  });

  it('is multi-stage: build, runtime, and the cli and service targets, service last (the default)', () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual([
      'build',
      'runtime',
      'cli',
      'service',
    ]);
    expect(stageNamed('cli').from).toBe('runtime');
    expect(stageNamed('service').from).toBe('runtime');
  });

  it('builds through the shared stage script (the same commands the image test runs)', () => {
    const runs = all(stageNamed('build'), 'RUN').map((instruction) => instruction.args);
    expect(runs.join('\n')).toMatch(/stage\.sh build "\$\{SERVICE\}"/);
    expect(runs.join('\n')).toMatch(/stage\.sh assemble "\$\{SERVICE\}" \/out/);
    expect(runs.join('\n')).toMatch(/npm ci --ignore-scripts/);
  });

  it('runs as a numeric non-root user in every runtime target, never switching back', () => {
    for (const target of ['cli', 'service']) {
      expect(effectiveUser(dockerfile, target)).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      const users = chainInstructions(target, 'USER').map((instruction) => instruction.args);
      expect(users.every((user) => /^[1-9]\d*:[1-9]\d*$/.test(user))).toBe(true);
    }
    const { uid, gid } = imageUser();
    expect(uid).toBeGreaterThanOrEqual(10_000);
    const creation = all(stageNamed('runtime'), 'RUN')
      .map((instruction) => instruction.args)
      .join(' ');
    expect(creation).toContain(`useradd --uid ${uid} --gid ${gid}`);
  });

  it('copies into the runtime only the assembled file set, owned by root (read-only to the service)', () => {
    const copies = ['runtime', 'cli', 'service'].flatMap((name) => all(stageNamed(name), 'COPY'));
    expect(copies.map((copy) => copy.args)).toEqual(['--from=build --chown=0:0 /out /app']);
    expect(chainInstructions('service', 'ADD')).toEqual([]);
  });

  it('runs the services with the V8 options of the tests and of `npm start`', () => {
    const options = SERVICE_NODE_OPTIONS.join(' ');
    expect(all(stageNamed('runtime'), 'ENV').map((instruction) => instruction.args)).toContain(
      `NODE_OPTIONS="${options}"`,
    );
    const libSh = readFileSync(join(REPO_ROOT, 'tools', 'lib.sh'), 'utf8');
    expect(libSh).toContain(`SERVICE_NODE_OPTIONS="${options}"`);
  });

  it('drops the package managers from the runtime and runs node in exec form with NODE_ENV=production', () => {
    const runtime = stageNamed('runtime');
    const cleanup = all(runtime, 'RUN')
      .map((instruction) => instruction.args)
      .join(' ');
    for (const tool of [
      '/usr/local/bin/npm',
      '/usr/local/bin/npx',
      '/usr/local/lib/node_modules',
    ]) {
      expect(cleanup).toContain(tool);
    }
    expect(all(runtime, 'ENV').map((instruction) => instruction.args)).toContain(
      'NODE_ENV=production',
    );
    expect(
      all(runtime, 'ENTRYPOINT').map((instruction) => JSON.parse(instruction.args) as unknown),
    ).toEqual([['node', '/app']]);
  });

  it('makes services listen on every interface of their container, overridable (HOST, not HTTP_HOST)', () => {
    const env = (stage: string) =>
      all(stageNamed(stage), 'ENV').map((instruction) => instruction.args);
    expect(env('service')).toContain('HOST=0.0.0.0');
    expect([...env('runtime'), ...env('service')].join(' ')).not.toMatch(/HTTP_HOST/);
  });

  it('has a container health check on /health/live for services and none for the cli', () => {
    expect(
      all(stageNamed('service'), 'HEALTHCHECK').map((instruction) => instruction.args),
    ).toEqual([expect.stringMatching(/CMD \["node", "\/app\/healthcheck\.js"\]$/)]);
    expect(all(stageNamed('cli'), 'HEALTHCHECK').map((instruction) => instruction.args)).toEqual([
      'NONE',
    ]);
  });

  it('carries no secrets: no secret-like ARG/ENV/LABEL, no downloads, no copied credentials', () => {
    const instructions = [
      ...dockerfile.preamble,
      ...dockerfile.stages.flatMap((stage) => stage.instructions),
    ];
    const declared = instructions
      .filter((instruction) => ['ARG', 'ENV', 'LABEL'].includes(instruction.keyword))
      .flatMap((instruction) => instruction.args.split(/\s+/))
      .map((assignment) => assignment.split('=')[0] ?? '');
    expect(
      declared.filter((name) => /secret|password|token|credential|_key$|apikey/i.test(name)),
    ).toEqual([]);
    const runs = instructions.filter((instruction) => instruction.keyword === 'RUN');
    expect(runs.filter((run) => /\b(curl|wget)\b|https?:\/\//.test(run.args))).toEqual([]);
    expect(
      instructions.filter((instruction) => /\.npmrc|\.env\b|id_rsa/.test(instruction.args)),
    ).toEqual([]);
  });

  it('the parser joins continuation lines and keeps stages apart (so the checks above see real instructions)', () => {
    const parsed = parseDockerfile(
      'ARG A=1\nFROM x AS one\n# comment\nRUN a \\\n  && b\nFROM one AS two\nUSER 5:5\n',
    );
    expect(parsed.preamble).toEqual([{ keyword: 'ARG', args: 'A=1' }]);
    expect(parsed.stages.map((stage) => stage.name)).toEqual(['one', 'two']);
    expect(parsed.stages[0]?.instructions).toEqual([{ keyword: 'RUN', args: 'a    && b' }]);
    expect(effectiveUser(parsed, 'two')).toBe('5:5');
  });
});

describe('.dockerignore (the build context)', () => {
  const rules = parseDockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
  const files = contextFiles(REPO_ROOT, rules);

  it('is an allowlist: everything is excluded first', () => {
    expect(rules[0]).toMatchObject({ pattern: '*', negated: false });
  });

  it('sends what the build needs', () => {
    for (const file of [
      'package.json',
      'package-lock.json',
      'nx.json',
      'tsconfig.base.json',
      'apps/collector/src/main.ts',
      'apps/collector/project.json',
      'apps/collector/tsconfig.app.json',
      'libs/contracts/src/index.ts',
      'deploy/docker/stage.sh',
      'deploy/docker/runtime-files.ts',
    ]) {
      expect(files).toContain(file);
    }
  });

  it('never sends dependencies, build output, VCS data, local state, secrets or tests', () => {
    const leaks = files.filter((file) =>
      /(^|\/)(node_modules|dist|\.git|\.run|\.nx|coverage)\/|(^|\/)\.env|\.(pem|key|p12)$|id_rsa|\.(spec|int-spec|e2e-spec)\.ts$|__fixtures__/.test(
        file,
      ),
    );
    expect(leaks).toEqual([]);
    expect(files.filter((file) => file.startsWith('apps/pipeline-e2e/'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('deploy/helm/'))).toEqual([]);
  });

  it('applies Docker matching rules: ** spans folders, a folder match covers its files, the last rule wins', () => {
    const sample = parseDockerignore('*\n!apps/\n**/test/\n!apps/keep/test/x.ts\n');
    expect(isExcluded(sample, 'README.md')).toBe(true);
    expect(isExcluded(sample, 'apps/a/src/main.ts')).toBe(false);
    expect(isExcluded(sample, 'apps/a/test/a.int-spec.ts')).toBe(true);
    expect(isExcluded(sample, 'apps/keep/test/x.ts')).toBe(false);
    expect(isExcluded(parseDockerignore('**/node_modules\n'), 'node_modules/x/index.js')).toBe(
      true,
    );
  });
});
