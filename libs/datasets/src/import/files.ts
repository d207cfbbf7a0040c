/** Finding a dataset's files in a folder: exact names, with or without a `.gz` suffix. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** File names in `dir`, sorted; empty when the folder cannot be read (detection then says "no"). */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** Full path of the first candidate name present (also as `<name>.gz`), or undefined. */
export function findFile(
  folder: { dir: string; files: readonly string[] },
  candidates: readonly string[],
): string | undefined {
  for (const name of candidates) {
    for (const variant of [name, `${name}.gz`]) {
      if (folder.files.includes(variant)) return join(folder.dir, variant);
    }
  }
  return undefined;
}

/** Full paths of the files whose name matches. */
export function filesMatching(
  folder: { dir: string; files: readonly string[] },
  pattern: RegExp,
): string[] {
  return folder.files.filter((name) => pattern.test(name)).map((name) => join(folder.dir, name));
}
