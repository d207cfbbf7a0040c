import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  assembleRuntime,
  importedPackages,
  packageOfSpecifier,
  resolveInLock,
  runtimeClosure,
  type LockFile,
} from './runtime-files';

const lock: LockFile = {
  name: '@recsys/source',
  version: '0.1.0',
  lockfileVersion: 3,
  packages: {
    '': {
      version: '0.1.0',
      dependencies: { a: '^1.0.0', b: '^1.0.0', peerful: '^1.0.0' },
      devDependencies: { jest: '^30.0.0' },
      optionalDependencies: { native: '1.0.0' },
    },
    'node_modules/a': { version: '1.0.0', dependencies: { shared: '^1.0.0', nested: '^2.0.0' } },
    'node_modules/a/node_modules/nested': { version: '2.0.0' },
    'node_modules/nested': { version: '1.0.0' },
    'node_modules/b': { version: '1.2.0', dependencies: { shared: '^1.0.0' } },
    'node_modules/shared': { version: '1.0.0', optionalDependencies: { 'not-installed': '1' } },
    'node_modules/peerful': {
      version: '1.0.0',
      peerDependencies: { a: '^1.0.0', 'optional-peer': '^1.0.0' },
      peerDependenciesMeta: { 'optional-peer': { optional: true } },
    },
    'node_modules/native': { version: '1.0.0', optional: true },
    'node_modules/jest': { version: '30.0.0', dev: true },
    'node_modules/unused': { version: '9.9.9' },
  },
};

describe('importedPackages', () => {
  it('finds packages in require, dynamic import and createRequire calls, skipping built-ins and relative paths', () => {
    const source = [
      'const a = require("a");',
      'const sub = require("@scope/pkg/sub/path");',
      "const wasm = optionalRequire.resolve('b/package.json');",
      "optionalRequire('native');",
      'const fs = require("node:fs"); const path = require("path");',
      'const local = require("./local"); await import("c");',
    ].join('\n');
    expect([...importedPackages([source])].sort()).toEqual(['@scope/pkg', 'a', 'b', 'c', 'native']);
  });

  it('names the package of a specifier', () => {
    expect(packageOfSpecifier('@nestjs/core/injector')).toBe('@nestjs/core');
    expect(packageOfSpecifier('zod/v4')).toBe('zod');
    expect(packageOfSpecifier('crypto')).toBeUndefined();
    expect(packageOfSpecifier('../x')).toBeUndefined();
  });
});

describe('runtimeClosure', () => {
  it('resolves like Node over the lock: nearest nested node_modules first, then up', () => {
    expect(resolveInLock(lock, 'node_modules/a', 'nested')).toBe(
      'node_modules/a/node_modules/nested',
    );
    expect(resolveInLock(lock, 'node_modules/b', 'nested')).toBe('node_modules/nested');
    expect(resolveInLock(lock, 'node_modules/a/node_modules/nested', 'shared')).toBe(
      'node_modules/shared',
    );
  });

  it('closes the imports over dependencies and installed peers, nothing else', () => {
    const closure = runtimeClosure({ lock, imports: ['a', 'peerful'] });
    expect(closure.paths).toEqual([
      'node_modules/a',
      'node_modules/a/node_modules/nested',
      'node_modules/peerful',
      'node_modules/shared',
    ]);
    expect(closure.direct).toEqual({ a: '1.0.0', peerful: '1.0.0' });
  });

  it('leaves optional root dependencies out unless asked for', () => {
    expect(runtimeClosure({ lock, imports: ['native'] })).toMatchObject({
      paths: [],
      skippedOptional: ['native'],
    });
    expect(runtimeClosure({ lock, imports: ['native'], withOptional: ['native'] }).paths).toEqual([
      'node_modules/native',
    ]);
  });

  it('refuses an import of a devDependency or of an undeclared package', () => {
    expect(() => runtimeClosure({ lock, imports: ['jest'] })).toThrow(
      /jest .*only a devDependency/,
    );
    expect(() => runtimeClosure({ lock, imports: ['unused'] })).toThrow(
      /unused .*not declared in package\.json/,
    );
  });

  it('refuses a required dependency missing from the lock', () => {
    const broken: LockFile = {
      ...lock,
      packages: { ...lock.packages, 'node_modules/b': { dependencies: { gone: '1' } } },
    };
    expect(() => runtimeClosure({ lock: broken, imports: ['b'] })).toThrow(
      /gone \(needed by node_modules\/b\) is not in the lock file/,
    );
  });
});

describe('assembleRuntime', () => {
  const root = mkdtempSync(join(tmpdir(), 'recsys-runtime-files-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function write(path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('copies the build output without maps, only the closure packages, and writes the manifests', () => {
    write('package-lock.json', JSON.stringify(lock));
    for (const path of Object.keys(lock.packages).filter(Boolean)) {
      write(`${path}/package.json`, '{}');
      write(`${path}/index.js`, '');
      write(`${path}/index.d.ts`, '');
      write(`${path}/LICENSE`, 'MIT');
    }
    write('dist/apps/collector/apps/collector/src/main.js', 'require("a"); require("./x");');
    write('dist/apps/collector/apps/collector/src/main.js.map', '{}');
    write('dist/apps/collector/libs/x/src/index.js', 'require("b");');
    const out = join(root, 'out');

    const result = assembleRuntime({
      service: 'collector',
      dist: join(root, 'dist/apps/collector'),
      root,
      out,
    });

    expect(result.main).toBe('apps/collector/src/main.js');
    expect(existsSync(join(out, 'apps/collector/src/main.js'))).toBe(true);
    expect(existsSync(join(out, 'apps/collector/src/main.js.map'))).toBe(false);
    expect(existsSync(join(out, 'node_modules/a/index.js'))).toBe(true);
    expect(existsSync(join(out, 'node_modules/a/LICENSE'))).toBe(true);
    expect(existsSync(join(out, 'node_modules/a/index.d.ts'))).toBe(false);
    expect(existsSync(join(out, 'node_modules/peerful'))).toBe(false);
    expect(existsSync(join(out, 'node_modules/jest'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as {
      main: string;
      dependencies: Record<string, string>;
    };
    expect(manifest).toMatchObject({
      main: 'apps/collector/src/main.js',
      dependencies: { a: '1.0.0', b: '1.2.0' },
    });
    const pruned = JSON.parse(readFileSync(join(out, 'package-lock.json'), 'utf8')) as LockFile;
    expect(Object.keys(pruned.packages).sort()).toEqual([
      '',
      'node_modules/a',
      'node_modules/a/node_modules/nested',
      'node_modules/b',
      'node_modules/shared',
    ]);
    expect(readFileSync(join(out, 'healthcheck.js'), 'utf8')).toContain("HTTP_PORT || '3001'");
  });

  it('refuses a build output whose @recsys imports were not rewritten by tsc-alias', () => {
    write('dist/apps/scorer/apps/scorer/src/main.js', 'require("@recsys/contracts");');
    expect(() =>
      assembleRuntime({
        service: 'scorer',
        dist: join(root, 'dist/apps/scorer'),
        root,
        out: join(root, 'out-scorer'),
      }),
    ).toThrow(/@recsys\/\* imports left unresolved/);
  });
});
