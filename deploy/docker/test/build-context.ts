/**
 * The Docker build context without Docker: the files of a directory that `.dockerignore` lets through,
 * with Docker's matching rules (moby/patternmatcher): patterns are paths relative to the context root,
 * `*` and `?` stay inside one path segment, `**` spans segments, a pattern that matches a directory
 * excludes everything below it, `!` re-includes, and the last matching pattern wins.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface IgnoreRule {
  pattern: string;
  negated: boolean;
  regex: RegExp;
}

function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] ?? '';
    if (char === '*' && pattern[index + 1] === '*') {
      // `**/` matches zero or more whole segments; a trailing `**` matches the rest.
      const slash = pattern[index + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      index += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line)
        .trim()
        .replace(/^\/+/, '')
        .replace(/\/+$/, '');
      return { pattern, negated, regex: globToRegex(pattern) };
    });
}

/** `a/b/c` → `a`, `a/b`, `a/b/c`: a rule matching any of them matches the path. */
function selfAndParents(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_part, index) => parts.slice(0, index + 1).join('/'));
}

export function isExcluded(rules: IgnoreRule[], path: string): boolean {
  const candidates = selfAndParents(path);
  let excluded = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) excluded = !rule.negated;
  }
  return excluded;
}

/** A directory can be skipped whole when it is excluded and no `!` rule could re-include below it. */
function canSkipDirectory(rules: IgnoreRule[], path: string): boolean {
  if (!isExcluded(rules, path)) return false;
  return !rules.some(
    (rule) =>
      rule.negated && (rule.pattern.startsWith(`${path}/`) || rule.pattern.startsWith('**')),
  );
}

export function contextFiles(root: string, rules: IgnoreRule[], relative = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!canSkipDirectory(rules, path)) files.push(...contextFiles(root, rules, path));
    } else if (!isExcluded(rules, path)) {
      files.push(path);
    }
  }
  return files;
}

/** Copies the context of `root` (as `docker build root` would send it) into `target`. */
export function copyBuildContext(root: string, target: string): string[] {
  const rules = parseDockerignore(readFileSync(join(root, '.dockerignore'), 'utf8'));
  const files = contextFiles(root, rules);
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(root, file), join(target, file));
  }
  return files;
}
