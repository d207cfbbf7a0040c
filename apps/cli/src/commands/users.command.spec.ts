import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErasureReceiptV1 } from '@recsys/contracts';
import { runCli } from '../cli';
import type { CliIo } from '../io';

const TOKEN = 'cli-users-admin-token-0123456789';
const REQUEST_ID = 'er-3f1c2a9e-7b1d-4c5e-9a0b-2d6f8e1a4c7b';

const receipt: ErasureReceiptV1 = {
  schemaVersion: 1,
  requestId: REQUEST_ID,
  subject: 's_0f3a9c1e5b7d2f4a6c8e0b1d3f5a7c9e',
  identity: 'user',
  requestedAt: '2026-11-29T12:00:00.000Z',
  erasedAt: '2026-11-29T12:00:00.010Z',
  reason: 'ticket 12',
  outcome: 'erased',
  tombstone: {
    keyPattern: 'privacy:v1:tomb:<subject>',
    created: true,
    erasures: 1,
    firstErasedAt: '2026-11-29T12:00:00.010Z',
    consentRefusalCarried: false,
  },
  removed: [
    {
      store: 'redis',
      kind: 'user_profile',
      keyPattern: 'fs:v2:{u:<userKey>}:p',
      keys: 1,
      entries: 23,
    },
    {
      store: 'redis',
      kind: 'recent_items',
      keyPattern: 'fs:v2:{u:<userKey>}:q',
      keys: 1,
      entries: 17,
    },
  ],
  announcement: { topic: 'privacy.erasures.v1', partition: 0, offset: '3' },
  retained: [
    {
      what: "the user's raw events",
      where: 'kafka topic events.raw.v1',
      retentionMs: 604_800_000,
      until: 'deleted by Kafka retention 7 days after it was written',
    },
  ],
  notes: ['Events at or before erasedAt are never applied again.'],
};

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === '' ? undefined : JSON.parse(text);
}

/** A stand-in preprocessor: records each request; answers the receipt, or 404 for other ids. */
function fakePreprocessor(seen: Seen[]): Server {
  return createServer((request, response) => {
    void bodyOf(request).then((body) => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body,
      });
      const known =
        request.url === '/v1/privacy/erasures' ||
        request.url === `/v1/privacy/erasures/${REQUEST_ID}`;
      response.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          known
            ? receipt
            : {
                error: { code: 'ERASURE_UNKNOWN', message: 'no erasure receipt', retriable: false },
              },
        ),
      );
    });
  });
}

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('recsys users', () => {
  const seen: Seen[] = [];
  const server = fakePreprocessor(seen);
  let env: Record<string, string>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    env = { PREPROCESSOR_URL: `http://127.0.0.1:${port}`, ADMIN_TOKEN: TOKEN };
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('erases a storefront user with the admin token and prints what was removed and what stays', async () => {
    const cli = capture(env);

    await expect(
      runCli(
        ['users', 'erase', 'shopper-42', '--reason', 'ticket 12', '--requested-by', 'dpo'],
        cli.io,
      ),
    ).resolves.toBe(0);

    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/v1/privacy/erasures',
        authorization: `Bearer ${TOKEN}`,
        body: { userId: 'shopper-42', reason: 'ticket 12', requestedBy: 'dpo' },
      },
    ]);
    expect(cli.stdout()).toContain(`erasure ${REQUEST_ID}`);
    expect(cli.stdout()).toMatch(/user_profile\s+1\s+23\s+fs:v2:\{u:<userKey>\}:p/);
    expect(cli.stdout()).toMatch(/announced on privacy.erasures.v1 partition 0 offset 3/);
    expect(cli.stdout()).toMatch(
      /not removed:\n {2}- the user's raw events\n {4}kafka topic events.raw.v1: deleted by Kafka retention 7 days/,
    );
  });

  it('erases an anonymous id and prints the JSON receipt alone with --json', async () => {
    const cli = capture(env);

    await expect(
      runCli(['users', 'erase', 'device-7', '--anonymous', '--json'], cli.io),
    ).resolves.toBe(0);

    expect(seen[0]?.body).toEqual({ anonymousId: 'device-7' });
    expect(JSON.parse(cli.stdout())).toEqual(receipt);
  });

  it('fetches a stored receipt, and fails with the service’s error code for an unknown one', async () => {
    const found = capture(env);
    await expect(runCli(['users', 'receipt', REQUEST_ID, '--json'], found.io)).resolves.toBe(0);
    expect(JSON.parse(found.stdout())).toEqual(receipt);

    const missing = capture(env);
    await expect(
      runCli(['users', 'receipt', 'er-00000000-0000-0000-0000-000000000000'], missing.io),
    ).resolves.toBe(1);
    expect(missing.stderr()).toMatch(/answered 404: ERASURE_UNKNOWN/);
  });

  it.each([
    [['users', 'erase'], /expected a user id/],
    [['users', 'erase', '--anonymous'], /expected a user id/],
    [['users', 'receipt', 'not-a-request'], /not an erasure request id/],
    [['users', 'forget', 'x'], /expected erase or receipt/],
  ])('exits with 2 and says why on %j', async (argv, message) => {
    const cli = capture(env);
    await expect(runCli(argv, cli.io)).resolves.toBe(2);
    expect(cli.stderr()).toMatch(message);
    expect(seen).toEqual([]);
  });

  it('needs a preprocessor URL', async () => {
    const cli = capture({});
    await expect(runCli(['users', 'erase', 'shopper-42'], cli.io)).resolves.toBe(2);
    expect(cli.stderr()).toMatch(/--preprocessor is required/);
  });
});
