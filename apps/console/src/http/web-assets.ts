/**
 * The console's page and its scripts, styles and icon, read once at start-up from the build output
 * (`web/` beside `src/`), so the service works offline and serves the same bytes for its whole life.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface WebAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** `dist/apps/console/apps/console/web` next to the compiled `src/http/` (and `apps/console/web` in tests). */
export const DEFAULT_WEB_ROOT = join(__dirname, '..', '..', 'web');

export class WebAssets {
  private readonly files = new Map<string, WebAsset>();

  constructor(root: string = DEFAULT_WEB_ROOT) {
    if (!existsSync(root)) return;
    for (const name of readdirSync(root)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType === undefined) continue;
      const body = readFileSync(join(root, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      this.files.set(name, { body, contentType, etag });
    }
  }

  get(name: string): WebAsset | undefined {
    return this.files.get(name);
  }

  get names(): string[] {
    return [...this.files.keys()].sort();
  }
}
