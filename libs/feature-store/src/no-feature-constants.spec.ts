/**
 * The meaning of a feature lives in libs/features only: this fails when a source file of the feature
 * store (TypeScript or the Lua inside it) holds a number that is one of the feature specification's
 * windows, weights, limits or retentions, unless the file and number are listed below as something
 * else (a rate-limit default, a connection timeout…). A new feature constant belongs in
 * libs/features/src/feature-spec.ts, imported from there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  featureLimits,
  featureRetention,
  interactionWeights,
  popularityWeights,
  stateLimits,
  windows,
} from '@recsys/features';

const SOURCE_ROOT = __dirname;

/** Every number of the feature specification from 3 up (0–2 are everywhere), also in seconds. */
function featureConstants(): Set<number> {
  const values = [
    ...Object.values(windows),
    ...Object.values(windows).map((ms) => ms / 1000),
    ...Object.values(interactionWeights),
    ...Object.values(popularityWeights),
    ...Object.values(featureLimits),
    ...Object.values(featureRetention),
    ...Object.values(stateLimits),
  ];
  return new Set(values.filter((value) => value >= 3));
}

/** Numbers that are not feature meaning, by file (relative to src/) and value, with why. */
const NOT_FEATURES: Record<string, Record<number, string>> = {
  'rate-limiter.ts': { 3: 'key/argument counts of the limiter script' },
  'model-registry.ts': {
    3: 'keys of the promotion script',
    50: 'versions listed per page',
    200: 'promotions kept in the history',
  },
  'experiments/experiment-store.ts': { 10: 'write attempts of an experiment update' },
  'ops-stats.ts': { 3_600_000: 'an hour (instance retention is counted in hours)' },
  'privacy/erasure-store.ts': { 3_600: 'life of the erasure mark (s)' },
  'privacy/erasure-subjects.ts': { 16: 'hex characters of the secret fingerprint' },
  'redis-connection.ts': {
    50: 'retry delay step (ms)',
    200: 'disconnect timeout (ms)',
  },
  'experiments/attribution-types.ts': {
    86_400_000: 'attribution window of experiments (ms), not a feature',
    86_400: 'served-request link TTL (s), not a feature',
    200: 'experiment exposures kept per user',
  },
  'writes/feature-writer.ts': { 3: 'groups named in a conflict message' },
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Numeric literals of a file, comments removed (a comment may explain a feature, not define one). */
function numbersIn(text: string): number[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const withoutLuaComments = code.replace(/--.*$/gm, '');
  // An index (`ARGV[3]`, `raw[3]`) is a position, not a constant.
  return [...withoutLuaComments.matchAll(/(?<![\w.$[])\d[\d_]*(?:\.\d+)?(?![\w\]])/g)].map(
    (match) => Number(match[0].replace(/_/g, '')),
  );
}

describe('libs/feature-store holds no feature constant', () => {
  it('finds the feature specification it guards', () => {
    expect([...featureConstants()]).toEqual(
      expect.arrayContaining([3_600_000, 86_400, 50, 10, 200, 16, 5]),
    );
  });

  it('has no window, weight, limit or retention of libs/features written as a number', () => {
    const constants = featureConstants();
    const found = sourceFiles(SOURCE_ROOT).flatMap((path) => {
      const file = relative(SOURCE_ROOT, path);
      return numbersIn(readFileSync(path, 'utf8'))
        .filter((value) => constants.has(value) && NOT_FEATURES[file]?.[value] === undefined)
        .map((value) => `${file}: ${value}`);
    });
    expect([...new Set(found)]).toEqual([]);
  });
});
