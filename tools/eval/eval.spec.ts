/**
 * The evaluation tool end to end on a small synthetic storefront (no shared datasets needed): loads,
 * splits, fits the baselines and the sequence model, evaluates, and writes the JSON and the README.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEval } from './run-eval';
import { UsageError, parseEvalOptions } from './options';
import { DatasetsMissingError, datasetsDir } from './shared-datasets';

const TIMEOUT_MS = 60_000;

describe('npm run eval', () => {
  let docsDir: string;

  beforeAll(() => {
    docsDir = mkdtempSync(join(tmpdir(), 'recsys-eval-'));
  });

  afterAll(() => {
    rmSync(docsDir, { recursive: true, force: true });
  });

  it(
    'evaluates the sequence model and the baselines on a synthetic storefront',
    async () => {
      const options = parseEvalOptions([
        '--dataset=synthetic',
        '--max-cases=100',
        '--max-examples=1500',
        '--epochs=2',
        `--docs=${docsDir}`,
        '--backend=wasm',
      ]);
      const lines: string[] = [];
      const [result] = await runEval(options, {
        log: (line) => lines.push(line),
        out: (text) => lines.push(text),
        synthetic: { seed: 3, users: 120, items: 80, days: 10 },
      });
      expect(result).toBeDefined();
      const names = result!.models.map((model) => model.name);
      expect(names[0]).toMatch(/^sequence model \(pooling/);
      expect(names).toEqual(
        expect.arrayContaining(['popularity', 'co-visitation kNN', 'implicit ALS']),
      );
      for (const model of result!.models) {
        expect(model.ndcg.mean).toBeGreaterThanOrEqual(0);
        expect(model.ndcg.mean).toBeLessThanOrEqual(model.hitRate.mean);
        expect(model.auc).toBeGreaterThan(0.3);
      }
      expect(result!.data.cases).toBeGreaterThan(20);
      expect(result!.data.cases).toBeLessThanOrEqual(100);
      expect(result!.models[0]?.training?.backend).toBeDefined();
      expect(lines.some((line) => /epoch 1\/\d+ loss/.test(line))).toBe(true);
      const written = JSON.parse(
        readFileSync(join(docsDir, 'synthetic.json'), 'utf8'),
      ) as typeof result;
      expect(written?.verdict.bestBaseline).toBe(result!.verdict.bestBaseline);
      const readme = readFileSync(join(docsDir, 'README.md'), 'utf8');
      expect(readme).toMatch(/## Protocol/);
      expect(readme).toMatch(/## synthetic/);
    },
    TIMEOUT_MS,
  );

  it('says where the shared datasets were expected when they are missing', () => {
    expect(() => datasetsDir('/nonexistent/repo', undefined)).toThrow(DatasetsMissingError);
    expect(() => datasetsDir('/nonexistent/repo', undefined)).toThrow(/RECSYS_DATASETS_DIR/);
    expect(existsSync(docsDir)).toBe(true);
    expect(datasetsDir('/ignored', docsDir)).toBe(docsDir);
  });

  it('refuses bad options with a usage error', () => {
    expect(() => parseEvalOptions([])).toThrow(UsageError);
    expect(() => parseEvalOptions(['--dataset=all', '--encoder=transformer'])).toThrow(/encoder/);
    expect(() => parseEvalOptions(['--dataset=all', '--folds=0'])).toThrow(/folds/);
    expect(parseEvalOptions(['--dataset=all'])).toMatchObject({
      maxCases: 2000,
      folds: 1,
      encoder: 'pooling',
    });
  });
});
