/** The console's API from the page: the admin token from this tab's session storage, typed answers. */
import type { ExperimentsV1, LiveV1, ModelsV1, UserLookupV1 } from '@recsys/contracts';

const TOKEN_KEY = 'recsys-console-token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The token was refused (or is missing): the page asks for it again. */
export class AuthError extends Error {}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const token = storedToken();
  if (token === null) throw new AuthError('no token');
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    cache: 'no-store',
  }).catch((error: unknown) => {
    throw new ApiError('CONSOLE_UNREACHABLE', `the console does not answer: ${String(error)}`, 0);
  });
  if (response.status === 401 || response.status === 403) throw new AuthError('token refused');
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) throw apiErrorOf(response, body);
  return body as T;
}

/** The platform's error body `{ error: { code, message } }`, else the HTTP status. */
function apiErrorOf(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new ApiError(
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? response.statusText,
    response.status,
  );
}

export const api = {
  live: (stepSeconds: number) => getJson<LiveV1>(`/api/v1/live?step=${stepSeconds}`),
  models: () => getJson<ModelsV1>('/api/v1/models'),
  experiments: () => getJson<ExperimentsV1>('/api/v1/experiments'),
  user: (id: string, kind: UserLookupV1['query']['kind'], k = 10) =>
    getJson<UserLookupV1>(`/api/v1/users/${encodeURIComponent(id)}?kind=${kind}&k=${k}`),
};
