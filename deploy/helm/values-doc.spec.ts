import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@recsys/testing';
import { VALUES_PATH, documentationGaps, paramsOf } from './values-doc';

const run = promisify(execFile);
/** The child needs only PATH (node_modules/.bin is not used); nothing else of this process's environment. */
const pathOnly = () => ({
  PATH: `${join(REPO_ROOT, 'node_modules/.bin')}:/usr/local/bin:/usr/bin:/bin`,
});

const valuesText = readFileSync(VALUES_PATH, 'utf8');

describe('values.yaml documentation', () => {
  it('documents every value with a ## @param (on the value or a map holding it)', () => {
    expect(documentationGaps(valuesText)).toEqual({ undocumented: [], unknown: [] });
  });

  it('gives every parameter a section and a description', () => {
    for (const param of paramsOf(valuesText)) {
      expect({
        key: param.key,
        section: param.section !== '',
        described: param.description.length > 10,
      }).toEqual({
        key: param.key,
        section: true,
        described: true,
      });
    }
  });

  it('finds an undocumented value and a @param naming no value', () => {
    const text =
      '## @section S\n## @param a.b Documented b\n## @param a.gone Removed\na:\n  b: 1\n  c: 2\n';
    expect(documentationGaps(text)).toEqual({ undocumented: ['a.c'], unknown: ['a.gone'] });
  });

  it('README.md carries the parameter tables generated from values.yaml (values-doc.ts --write)', async () => {
    // As a process: Prettier 3, which formats the tables, cannot load inside Jest's module sandbox.
    const check = await run(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'values-doc.ts')],
      {
        cwd: join(__dirname, '..', '..'),
        env: { ...pathOnly(), SWC_NODE_PROJECT: 'tsconfig.json' },
      },
    ).then(
      () => 'current',
      (error: { stderr?: string }) => error.stderr ?? 'failed',
    );
    expect(check).toBe('current');
  }, 60_000);
});
