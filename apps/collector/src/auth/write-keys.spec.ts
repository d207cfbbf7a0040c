import { AppError } from '@recsys/contracts';
import { createAuthenticator, UNAUTHENTICATED_STOREFRONT } from './authentication.hook';
import { WriteKeyRegistry, authenticate, type WriteKeyEntry } from './write-keys';

const SHOP_KEY = 'shop-key-0123456789';
const ROTATED_SHOP_KEY = 'shop-key-rotated-9876543210';
const SERVER_KEY = 'server-key-abcdefghij';
const entries: WriteKeyEntry[] = [
  { storefront: 'shop-1', key: SHOP_KEY, allowedOrigins: ['https://shop.example'] },
  { storefront: 'shop-1', key: ROTATED_SHOP_KEY, allowedOrigins: ['https://shop.example'] },
  { storefront: 'backend', key: SERVER_KEY, allowedOrigins: [] },
];
const registry = new WriteKeyRegistry(entries);

function refusal(request: Parameters<typeof authenticate>[1]): AppError {
  try {
    authenticate(registry, request);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('WriteKeyRegistry', () => {
  it('finds the storefront of every configured key, rotated keys included', () => {
    expect(registry.storefrontOf(SHOP_KEY)?.name).toBe('shop-1');
    expect(registry.storefrontOf(ROTATED_SHOP_KEY)?.name).toBe('shop-1');
    expect(registry.storefrontOf(SERVER_KEY)?.name).toBe('backend');
  });

  it.each([
    ['a prefix of a key', SHOP_KEY.slice(0, -1)],
    ['a key with a suffix', `${SHOP_KEY}x`],
    ['a key in another case', SHOP_KEY.toUpperCase()],
    ['an empty string', ''],
  ])('matches nothing for %s', (_case, presented) => {
    expect(registry.storefrontOf(presented)).toBeUndefined();
  });

  it('lists every allowed origin once, for preflights (which carry no key)', () => {
    expect([...registry.allOrigins()]).toEqual(['https://shop.example']);
  });
});

describe('authenticate', () => {
  it('accepts a known key from a server (no Origin) and from an allowed browser origin', () => {
    expect(authenticate(registry, { presentedKey: SERVER_KEY, origin: undefined }).name).toBe(
      'backend',
    );
    expect(
      authenticate(registry, { presentedKey: SHOP_KEY, origin: 'https://shop.example' }).name,
    ).toBe('shop-1');
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a repeated header', [SHOP_KEY, SHOP_KEY]],
    ['an unknown key', 'not-a-configured-key-at-all'],
    ['an oversized header', 'x'.repeat(10_000)],
  ])('answers UNAUTHORIZED to %s without echoing it', (_case, presentedKey) => {
    const error = refusal({ presentedKey, origin: undefined });
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', retriable: false });
    expect(JSON.stringify(error.toJSON())).not.toContain('not-a-configured-key');
  });

  it('answers ORIGIN_NOT_ALLOWED when a browser uses a key from an origin the key does not allow', () => {
    expect(refusal({ presentedKey: SHOP_KEY, origin: 'https://evil.example' })).toMatchObject({
      code: 'ORIGIN_NOT_ALLOWED',
      details: { origin: 'https://evil.example' },
    });
    expect(refusal({ presentedKey: SERVER_KEY, origin: 'https://shop.example' }).code).toBe(
      'ORIGIN_NOT_ALLOWED',
    );
  });

  it('checks the key before the origin, so a stranger learns nothing about allowed origins', () => {
    expect(
      refusal({ presentedKey: 'wrong-key-wrong-key', origin: 'https://evil.example' }).code,
    ).toBe('UNAUTHORIZED');
  });
});

describe('createAuthenticator', () => {
  it('reads the x-write-key and Origin headers in write-key mode', () => {
    const authenticator = createAuthenticator({ mode: 'write-keys', keys: entries });
    expect(
      authenticator.storefrontOf({
        headers: { 'x-write-key': SHOP_KEY, origin: 'https://shop.example' },
      }),
    ).toBe('shop-1');
    expect(() => authenticator.storefrontOf({ headers: {} })).toThrow(/x-write-key/);
    expect(authenticator.isOriginAllowed('https://shop.example')).toBe(true);
    expect(authenticator.isOriginAllowed('https://evil.example')).toBe(false);
  });

  it('lets everything through as one storefront when authentication is disabled', () => {
    const authenticator = createAuthenticator({ mode: 'disabled' });
    expect(authenticator.storefrontOf({ headers: { origin: 'https://any.example' } })).toBe(
      UNAUTHENTICATED_STOREFRONT,
    );
    expect(authenticator.isOriginAllowed('https://any.example')).toBe(true);
  });
});
