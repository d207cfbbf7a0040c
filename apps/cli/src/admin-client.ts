/** Calls a service's HTTP API for the admin commands; a non-2xx answer fails with the service's error. */
export interface AdminCall {
  baseUrl: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  token?: string;
  body?: unknown;
}

export async function callService(call: AdminCall): Promise<unknown> {
  const response = await fetch(new URL(call.path, call.baseUrl), {
    method: call.method,
    headers: {
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(call.token === undefined ? {} : { authorization: `Bearer ${call.token}` }),
    },
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
  }).catch((error: unknown) => {
    throw new Error(`${call.baseUrl} unreachable: ${String(error)}`);
  });
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new Error(
      `${call.method} ${call.path} answered ${response.status}${error ? `: ${error.code} ${error.message}` : ''}`,
    );
  }
  return parsed;
}
