/**
 * Per-storefront write keys. Each key names its storefront (the rate-limit budget and the metrics label)
 * and the browser origins allowed to use it; a key with no origins is for server-to-server calls only.
 * Several keys may share a storefront, so a key can be rotated without downtime. Keys are kept only as
 * SHA-256 digests and compared in constant time; they are never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '@recsys/contracts';

export const WRITE_KEY_HEADER = 'x-write-key';
/** Headers are bounded by Node anyway; this bounds the hashing work per request further. */
const MAX_PRESENTED_KEY_LENGTH = 512;

/** `https://shop.example[:port]`: scheme, host and port exactly as a browser sends it in `Origin`. */
const originSchema = z.string().refine(isSerialisedOrigin, {
  message: 'must be an origin like https://shop.example (scheme, host, optional port; no path)',
});

export const writeKeyEntrySchema = z.strictObject({
  storefront: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  key: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(MAX_PRESENTED_KEY_LENGTH, `must be at most ${MAX_PRESENTED_KEY_LENGTH} characters`),
  allowedOrigins: z.array(originSchema).max(100).default([]),
});
export type WriteKeyEntry = z.output<typeof writeKeyEntrySchema>;

const writeKeyListSchema = z
  .array(writeKeyEntrySchema)
  .min(1, 'must list at least one key')
  .refine((entries) => new Set(entries.map((entry) => entry.key)).size === entries.length, {
    message: 'the same key is listed twice',
  });

/**
 * COLLECTOR_WRITE_KEYS: a JSON array of `{ storefront, key, allowedOrigins }`. Messages point at the
 * entry and field but never repeat a value: they end up in logs.
 */
export const writeKeysEnvSchema = z.string().transform((text, ctx): WriteKeyEntry[] => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a JSON array of { storefront, key, allowedOrigins }',
    });
    return z.NEVER;
  }
  const parsed = writeKeyListSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', message: `${describePath(issue.path)}${issue.message}` });
  }
  return z.NEVER;
});

export interface Storefront {
  name: string;
  allowedOrigins: ReadonlySet<string>;
}

interface StoredKey {
  digest: Buffer;
  storefront: Storefront;
}

export class WriteKeyRegistry {
  private readonly keys: StoredKey[];

  constructor(entries: WriteKeyEntry[]) {
    this.keys = entries.map((entry) => ({
      digest: digestOf(entry.key),
      storefront: { name: entry.storefront, allowedOrigins: new Set(entry.allowedOrigins) },
    }));
  }

  /**
   * The storefront of a presented key. Every stored key is compared, with equal-length digests and
   * timingSafeEqual, so the answer time says nothing about how close a guess was or which key matched.
   */
  storefrontOf(presentedKey: string): Storefront | undefined {
    const digest = digestOf(presentedKey);
    let match: Storefront | undefined;
    for (const stored of this.keys) {
      const equal = timingSafeEqual(digest, stored.digest);
      match = equal ? stored.storefront : match;
    }
    return match;
  }

  /** Every origin some key allows: a preflight carries no key, so it is answered for all of them. */
  allOrigins(): ReadonlySet<string> {
    return new Set(this.keys.flatMap((stored) => [...stored.storefront.allowedOrigins]));
  }
}

/**
 * Decides who a request is: 401 UNAUTHORIZED without a known key, 403 ORIGIN_NOT_ALLOWED when a browser
 * (which always sends Origin) uses a key from an origin the key does not allow. Server-to-server calls
 * send no Origin and pass on the key alone.
 */
export function authenticate(
  registry: WriteKeyRegistry,
  request: { presentedKey: string | string[] | undefined; origin: string | undefined },
): Storefront {
  const { presentedKey, origin } = request;
  if (typeof presentedKey !== 'string' || presentedKey === '') {
    throw new AppError('UNAUTHORIZED', `the ${WRITE_KEY_HEADER} header is missing`);
  }
  const storefront =
    presentedKey.length <= MAX_PRESENTED_KEY_LENGTH
      ? registry.storefrontOf(presentedKey)
      : undefined;
  if (storefront === undefined) {
    throw new AppError('UNAUTHORIZED', `the ${WRITE_KEY_HEADER} header does not hold a valid key`);
  }
  if (origin !== undefined && !storefront.allowedOrigins.has(origin)) {
    throw new AppError('ORIGIN_NOT_ALLOWED', 'this write key may not be used from this origin', {
      details: { origin: origin.slice(0, 256) },
    });
  }
  return storefront;
}

/** `[1].allowedOrigins[0] ` for the issue path `[1, 'allowedOrigins', 0]`. */
function describePath(path: PropertyKey[]): string {
  const text = path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('');
  return text === '' ? '' : `${text.replace(/^\./, '')} `;
}

function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function isSerialisedOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
