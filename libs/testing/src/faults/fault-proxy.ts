/**
 * A TCP proxy between a service and a server (Redis, typically) whose behaviour a test switches at run
 * time, loopback only:
 *   - `pass`: forwards both ways, each chunk delayed by a random latency in [minMs, maxMs] (order kept);
 *   - `stall`: a partition that will heal: connections are accepted, nothing moves either way, and what
 *     was held is delivered once the mode goes back to `pass` (TCP retransmission, in effect);
 *   - `reset`: the server is unreachable: open connections are reset, new ones refused (reset at once);
 *   - `drop-replies`: requests reach the server, but the reply to a large request (≥ 1 KiB: a batch
 *     script, not a PING or a handshake) is thrown away and the connection reset — the command ran and
 *     the client never heard, so a client that re-sends unanswered commands after reconnecting (ioredis)
 *     sends it again. The proxy notices: the tail of every such request is remembered, and
 *     `requestsSentAgain` counts those that later arrive again, byte for byte, on any connection.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type FaultProxyMode = 'pass' | 'stall' | 'reset' | 'drop-replies';

export interface FaultProxyStats {
  connections: number;
  chunksForwarded: number;
  /** Replies to requests of at least 1 KiB thrown away in `drop-replies` mode (the server executed them). */
  repliesDropped: number;
  /** Of those, how many the client later sent again, byte for byte. */
  requestsSentAgain: number;
  connectionsReset: number;
}

/** Requests this large are told apart by their last bytes (a batch script's tail: ids, offsets). */
const LARGE_REQUEST_BYTES = 1_024;
const SIGNATURE_BYTES = 256;
/** The last request bytes of a connection searched for signatures (a re-sent request may arrive in pieces). */
const RECENT_WINDOW_BYTES = 256 * 1_024;

type Direction = 'request' | 'reply';

/** One direction of one proxied connection: chunks leave in order, each after its latency. */
class Lane {
  private readyAt = 0;
  private held: Buffer[] = [];
  /** Delayed chunks, in arrival order, each with when it may leave; one timer drains them in order. */
  private readonly queue: Array<{ chunk: Buffer; dueAt: number }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly to: Socket,
    private readonly proxy: FaultProxy,
  ) {}

  push(chunk: Buffer): void {
    if (this.proxy.mode === 'stall') {
      this.held.push(chunk);
      return;
    }
    this.send(chunk);
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.send(chunk);
  }

  private send(chunk: Buffer): void {
    const delayMs = this.proxy.nextLatencyMs();
    if (delayMs <= 0 && this.readyAt <= Date.now() && this.queue.length === 0) {
      this.write(chunk);
      return;
    }
    this.readyAt = Math.max(this.readyAt, Date.now() + delayMs);
    this.queue.push({ chunk, dueAt: this.readyAt });
    this.schedule();
  }

  /**
   * One timer per lane, not one per chunk: timers of different delays due in the same millisecond may
   * fire in either order, and a chunk overtaking the one before it corrupts the stream.
   */
  private schedule(): void {
    if (this.timer !== undefined) return;
    const next = this.queue[0];
    if (next === undefined) return;
    this.timer = setTimeout(() => this.drain(), Math.max(0, next.dueAt - Date.now()));
  }

  private drain(): void {
    this.timer = undefined;
    while (this.queue.length > 0 && this.queue[0]!.dueAt <= Date.now())
      this.write(this.queue.shift()!.chunk);
    this.schedule();
  }

  private write(chunk: Buffer): void {
    if (this.to.destroyed) return;
    this.proxy.stats.chunksForwarded += 1;
    this.to.write(chunk);
  }
}

interface Pair {
  client: Socket;
  server: Socket;
  lanes: Record<Direction, Lane>;
  /** Request bytes since the last reply the client received. */
  unanswered: Buffer[];
  /** The last request bytes, for recognising a re-sent request. */
  recent: Buffer;
}

export class FaultProxy {
  readonly stats: FaultProxyStats = {
    connections: 0,
    chunksForwarded: 0,
    repliesDropped: 0,
    requestsSentAgain: 0,
    connectionsReset: 0,
  };
  /** Tails of unanswered large requests not seen again yet. */
  private signatures: Buffer[] = [];
  private currentMode: FaultProxyMode = 'pass';
  private latency = { minMs: 0, maxMs: 0 };
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Listens on a free loopback port in front of `target`. */
  static async start(target: { host?: string; port: number }): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, { host: target.host ?? '127.0.0.1', port: target.port });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  get mode(): FaultProxyMode {
    return this.currentMode;
  }

  setMode(mode: FaultProxyMode): void {
    this.currentMode = mode;
    if (mode === 'reset') for (const pair of this.pairs) this.reset(pair);
    if (mode === 'pass') {
      for (const pair of this.pairs) {
        pair.lanes.request.release();
        pair.lanes.reply.release();
      }
    }
  }

  /** Latency added to every chunk from now on, drawn uniformly from [minMs, maxMs]. */
  setLatency(latency: { minMs: number; maxMs: number }): void {
    this.latency = { ...latency };
  }

  nextLatencyMs(): number {
    const { minMs, maxMs } = this.latency;
    return minMs + Math.random() * (maxMs - minMs);
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.reset(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.stats.connections += 1;
    if (this.currentMode === 'reset') {
      this.stats.connectionsReset += 1;
      client.resetAndDestroy();
      return;
    }
    const server = createConnection(this.target);
    const pair: Pair = {
      client,
      server,
      lanes: { request: new Lane(server, this), reply: new Lane(client, this) },
      unanswered: [],
      recent: Buffer.alloc(0),
    };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => this.onRequest(pair, chunk));
    server.on('data', (chunk: Buffer) => this.onReply(pair, chunk));
    const close = () => this.reset(pair);
    for (const socket of [client, server]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  }

  private onRequest(pair: Pair, chunk: Buffer): void {
    pair.unanswered.push(chunk);
    if (this.signatures.length > 0) {
      pair.recent = Buffer.concat([pair.recent, chunk]).subarray(-RECENT_WINDOW_BYTES);
      const before = this.signatures.length;
      this.signatures = this.signatures.filter((signature) => !pair.recent.includes(signature));
      this.stats.requestsSentAgain += before - this.signatures.length;
    }
    pair.lanes.request.push(chunk);
  }

  private onReply(pair: Pair, chunk: Buffer): void {
    const unanswered = Buffer.concat(pair.unanswered);
    pair.unanswered = [];
    if (this.currentMode !== 'drop-replies' || unanswered.length < LARGE_REQUEST_BYTES) {
      pair.lanes.reply.push(chunk);
      return;
    }
    this.stats.repliesDropped += 1;
    this.signatures.push(Buffer.from(unanswered.subarray(-SIGNATURE_BYTES)));
    this.reset(pair);
  }

  private reset(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    this.stats.connectionsReset += 1;
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (!pair.server.destroyed) pair.server.destroy();
  }
}
