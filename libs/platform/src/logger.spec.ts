import { createHash } from 'node:crypto';
import { startInMemoryTracing, traceWork, type InMemoryTracing } from '@recsys/telemetry';
import { configureLogHashing, createLogger, hashForLog } from './logger';

function capture(stream: 'stdout' | 'stderr') {
  const lines: string[] = [];
  const spy = jest.spyOn(process[stream], 'write').mockImplementation((chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

describe('createLogger (json)', () => {
  let tracing: InMemoryTracing;

  beforeAll(() => {
    tracing = startInMemoryTracing('unit');
  });

  afterAll(async () => {
    await tracing.shutdown();
  });

  it('writes one JSON object per line with level, context, message and the active trace ids', async () => {
    const logger = createLogger({ serviceName: 'svc', level: 'log', format: 'json' });
    const out = capture('stdout');
    try {
      logger.log('outside a span', 'ingest');
      await traceWork('work', async () => logger.warn('inside a span', 'ingest'));
    } finally {
      out.restore();
    }
    const [outside, inside] = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(outside).toMatchObject({ level: 'log', context: 'ingest', message: 'outside a span' });
    expect(outside).not.toHaveProperty('trace_id');
    const [span] = tracing.spans();
    expect(inside).toMatchObject({
      level: 'warn',
      context: 'ingest',
      message: 'inside a span',
      trace_id: span!.traceId,
      span_id: span!.spanId,
    });
  });

  it('scrubs e-mail addresses from messages and error stacks', () => {
    const logger = createLogger({ serviceName: 'svc', level: 'log', format: 'json' });
    const err = capture('stderr');
    try {
      logger.error('refused dana.smith+shop@mail.example.co.uk', 'Error: at x for e@x.io', 'http');
    } finally {
      err.restore();
    }
    expect(err.lines.join('\n')).not.toMatch(/dana|e@x\.io/);
    expect(JSON.parse(err.lines[0]!)).toMatchObject({
      level: 'error',
      message: 'refused [email]',
      stack: 'Error: at x for [email]',
    });
  });

  it('scrubs e-mail addresses in text format too', () => {
    const logger = createLogger({ serviceName: 'svc', level: 'log', format: 'text' });
    const out = capture('stdout');
    try {
      logger.log('mail to erin@example.org failed', 'offers');
    } finally {
      out.restore();
    }
    expect(out.lines.join('\n')).toContain('mail to [email] failed');
  });

  it('leaves out levels below the configured one', () => {
    const logger = createLogger({ serviceName: 'svc', level: 'warn', format: 'json' });
    const out = capture('stdout');
    try {
      logger.log('hidden');
      logger.warn('shown');
    } finally {
      out.restore();
    }
    expect(out.lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual([
      'shown',
    ]);
  });
});

describe('hashForLog', () => {
  afterEach(() => configureLogHashing(undefined));

  it('gives one stand-in per identifier under one key, another under another key', () => {
    configureLogHashing('first-key-0123456789');
    const first = hashForLog('user-42');
    expect(hashForLog('user-42')).toBe(first);
    expect(hashForLog('user-43')).not.toBe(first);
    configureLogHashing('second-key-0123456789');
    expect(hashForLog('user-42')).not.toBe(first);
    expect(first).toMatch(/^h:[0-9a-f]{16}$/);
  });

  it('is not the plain hash of the identifier (which anyone could recompute from a guess)', () => {
    configureLogHashing('some-key-0123456789');
    const plain = createHash('sha256').update('user-42').digest('hex');
    expect(plain).not.toContain(hashForLog('user-42').slice(2));
  });
});
