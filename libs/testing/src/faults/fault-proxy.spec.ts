import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { FaultProxy } from './fault-proxy';

/** A loopback server that answers every chunk with `ok:<length>`. */
async function answeringServer(): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((socket) =>
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk.toString());
      socket.write(`ok:${chunk.length}`);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, received };
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `text`; resolves with the answer, or with `closed` when the connection goes away first. */
function exchange(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    socket.once('close', () => resolve('closed'));
    socket.once('error', () => undefined);
    socket.write(text);
  });
}

describe('FaultProxy', () => {
  let upstream: Awaited<ReturnType<typeof answeringServer>>;
  let proxy: FaultProxy;

  beforeEach(async () => {
    upstream = await answeringServer();
    proxy = await FaultProxy.start({ port: upstream.port });
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  it('forwards both ways, slower by the latency it is given', async () => {
    const socket = await connect(proxy.port);
    expect(await exchange(socket, 'ping')).toBe('ok:4');
    proxy.setLatency({ minMs: 60, maxMs: 60 });
    const started = performance.now();
    expect(await exchange(socket, 'ping')).toBe('ok:4');
    // One chunk each way, each delayed.
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    socket.destroy();
  });

  it('keeps the order of the chunks whatever latency each one draws', async () => {
    proxy.setLatency({ minMs: 0, maxMs: 30 });
    const socket = await connect(proxy.port);
    const sent = Array.from({ length: 300 }, (_, index) => `<${index}>`);
    for (const [index, piece] of sent.entries()) {
      socket.write(piece);
      // Separate chunks: each write goes out on its own tick, and draws its own latency.
      if (index % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const deadline = Date.now() + 10_000;
    while (upstream.received.join('').length < sent.join('').length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstream.received.join('')).toBe(sent.join(''));
    socket.destroy();
  });

  it('refuses everything in reset mode, then forwards again', async () => {
    const open = await connect(proxy.port);
    proxy.setMode('reset');
    expect(await exchange(open, 'ping')).toBe('closed');
    const refused = await connect(proxy.port).then(
      (socket) => exchange(socket, 'ping'),
      () => 'closed',
    );
    expect(refused).toBe('closed');
    proxy.setMode('pass');
    expect(await exchange(await connect(proxy.port), 'ping')).toBe('ok:4');
  });

  it('holds traffic in stall mode and delivers it once healed', async () => {
    const socket = await connect(proxy.port);
    proxy.setMode('stall');
    const answer = exchange(socket, 'ping');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.received).toEqual([]);
    proxy.setMode('pass');
    expect(await answer).toBe('ok:4');
  });

  it('loses the reply to a large request the server executed, and sees the client send it again', async () => {
    const large = `script:${'x'.repeat(2_000)}`;
    proxy.setMode('drop-replies');
    const first = await connect(proxy.port);
    expect(await exchange(first, 'ping')).toBe('ok:4');
    expect(await exchange(first, large)).toBe('closed');
    expect(upstream.received).toContain(large);
    expect(proxy.stats).toMatchObject({ repliesDropped: 1, requestsSentAgain: 0 });
    proxy.setMode('pass');
    expect(await exchange(await connect(proxy.port), large)).toBe(`ok:${large.length}`);
    expect(proxy.stats.requestsSentAgain).toBe(1);
  });
});
