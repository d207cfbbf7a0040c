import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli';
import type { CliIo } from './io';

function capture(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'recsys-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recsys CLI arguments', () => {
  it.each([
    ['no command', [], /usage: recsys <command>/],
    ['an unknown command', ['export'], /unknown command "export"/],
    [
      'an unknown option',
      ['import', '--dataset', 'auto', '--path', '.', '--out', 'x', '--verbose'],
      /Unknown option '--verbose'/,
    ],
    ['a missing option', ['import', '--dataset', 'auto', '--out', 'x'], /--path is required/],
    [
      'an unknown dataset',
      ['import', '--dataset', 'netflix', '--path', '.', '--out', 'x'],
      /--dataset must be one of retailrocket, .*auto, got "netflix"/,
    ],
    [
      'a bad limit',
      ['import', '--dataset', 'auto', '--path', '.', '--out', 'x', '--limit', 'ten'],
      /--limit must be an integer from 1/,
    ],
    [
      'a bad speed',
      ['replay', '--from', 'x', '--collector', 'http://h', '--speed', 'fast'],
      /--speed must be "max" or a factor such as 10x/,
    ],
    [
      'a batch above the collector limit',
      ['replay', '--from', 'x', '--collector', 'http://h', '--batch', '501'],
      /--batch must be an integer from 1 to 500/,
    ],
    ['no collector', ['replay', '--from', 'x'], /--collector is required/],
    [
      'a bad start time',
      ['generate', '--out', 'x', '--start', 'monday'],
      /--start must be an ISO timestamp/,
    ],
  ])('exits with 2 and says why on %s', async (_case, argv, message) => {
    const cli = capture();

    await expect(runCli(argv, cli.io)).resolves.toBe(2);
    expect(cli.stderr()).toMatch(message);
  });

  it('rejects a malformed COLLECTOR_URL from the environment with exit code 2', async () => {
    const cli = capture({ COLLECTOR_URL: 'not a url' });

    await expect(runCli(['replay', '--from', 'x'], cli.io)).resolves.toBe(2);
    expect(cli.stderr()).toMatch(/COLLECTOR_URL/);
  });

  it('prints a command usage on --help with exit code 0', async () => {
    const cli = capture();

    await expect(runCli(['replay', '--help'], cli.io)).resolves.toBe(0);
    expect(cli.stdout()).toMatch(/--speed/);
  });

  it('exits with 1 when a dataset folder holds no known layout', async () => {
    const cli = capture();

    await expect(
      runCli(
        ['import', '--dataset', 'auto', '--path', dir, '--out', join(dir, 'none.jsonl')],
        cli.io,
      ),
    ).resolves.toBe(1);
    expect(cli.stderr()).toMatch(/no known dataset layout/);
  });
});

describe('recsys CLI commands', () => {
  it('imports a dataset folder into a time-sorted JSONL file and prints a summary', async () => {
    const data = join(dir, 'ml');
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data);
    writeFileSync(
      join(data, 'u.data'),
      '1\t10\t4\t881250949\n2\t10\t9\t881250000\n1\t11\t3\t881250000\n',
    );
    const out = join(dir, 'ml.jsonl');
    const cli = capture();

    await expect(
      runCli(['import', '--dataset', 'auto', '--path', data, '--out', out], cli.io),
    ).resolves.toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: { timestamp: string } });
    expect(lines.map((line) => line.event.timestamp)).toEqual([
      new Date(881250000_000).toISOString(),
      new Date(881250949_000).toISOString(),
    ]);
    expect(cli.stdout()).toMatch(/rating\s+2/);
    expect(cli.stdout()).toMatch(
      /skipped rows: 1\n\s+1\s+rating outside 0.5..5 {2}\(first: u.data:2\)/,
    );
    expect(cli.stderr()).toMatch(/import: 3 rows/);
  });

  it('generates a storefront, then replays it to a collector given by COLLECTOR_URL with the write key', async () => {
    const out = join(dir, 'synthetic.jsonl');
    const generated = capture();
    await expect(
      runCli(
        ['generate', '--seed', '3', '--users', '5', '--items', '20', '--days', '1', '--out', out],
        generated.io,
      ),
    ).resolves.toBe(0);
    expect(generated.stdout()).toMatch(/generated \d+ records .*seed 3, 5 users, 20 items, 1 days/);
    expect(generated.stdout()).toMatch(/records failing their schema \(not written\): 0/);

    const requests: { path: string; key: string | undefined; count: number }[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          events?: unknown[];
          items?: unknown[];
        };
        const count = (body.events ?? body.items ?? []).length;
        requests.push({
          path: request.url ?? '',
          key: request.headers['x-write-key'] as string | undefined,
          count,
        });
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ accepted: count, rejected: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const replayed = capture({ COLLECTOR_URL: url, COLLECTOR_WRITE_KEY: 'secret-key' });

    try {
      await expect(runCli(['replay', '--from', out, '--batch', '50'], replayed.io)).resolves.toBe(
        0,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const records = readFileSync(out, 'utf8').trim().split('\n').length;
    expect(requests.reduce((sum, request) => sum + request.count, 0)).toBe(records);
    const firstEvents = requests.findIndex((request) => request.path === '/v1/events');
    expect(requests.slice(0, firstEvents).every((request) => request.path === '/v1/items')).toBe(
      true,
    );
    expect(requests.slice(0, firstEvents).reduce((sum, request) => sum + request.count, 0)).toBe(
      20,
    );
    expect(requests.every((request) => request.key === 'secret-key' && request.count <= 50)).toBe(
      true,
    );
    expect(replayed.stdout()).toMatch(new RegExp(`accepted ${records}, rejected 0`));
  });
});
