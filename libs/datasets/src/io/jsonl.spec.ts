import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetRecord } from '../records';
import { fixtureDir, removeFixtureDirs } from '../test/fixtures';
import { JsonlFormatError, readJsonl, writeJsonl } from './jsonl';

afterAll(removeFixtureDirs);

const ITEM: DatasetRecord = {
  kind: 'item',
  item: {
    itemId: 'sku-1',
    schemaVersion: 1,
    title: 'Trail Runner 2',
    categoryPath: ['Shoes', 'Running'],
    price: 89.9,
    currency: 'EUR',
    availability: 'in_stock',
    updatedAt: '2026-11-28T08:00:00.000Z',
  },
};
const EVENT: DatasetRecord = {
  kind: 'event',
  event: {
    eventId: 'evt-1',
    schemaVersion: 1,
    eventType: 'page_view',
    anonymousId: 'anon-1',
    sessionId: 's-1',
    timestamp: '2026-11-28T10:15:30.000Z',
    pageType: 'home',
  },
};

async function readAll(path: string, options: Parameters<typeof readJsonl>[1] = {}) {
  const records: DatasetRecord[] = [];
  for await (const line of readJsonl(path, options)) records.push(line.record);
  return records;
}

describe('JSONL records', () => {
  it('writes one record per line and reads them back unchanged, from a generator too', async () => {
    const path = join(fixtureDir({}), 'records.jsonl');
    function* records() {
      yield ITEM;
      yield EVENT;
    }

    await expect(writeJsonl(path, records())).resolves.toBe(2);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    await expect(readAll(path, { validate: true })).resolves.toEqual([ITEM, EVENT]);
  });

  it('throws on a line that is not a record, naming the line, unless a handler collects it', async () => {
    const dir = fixtureDir({
      'bad.jsonl': `${JSON.stringify(ITEM)}\n{"kind":"user"}\nnot json\n\n${JSON.stringify(EVENT)}\n`,
    });
    const path = join(dir, 'bad.jsonl');
    const problems: string[] = [];

    await expect(readAll(path)).rejects.toThrow(JsonlFormatError);
    await expect(readAll(path)).rejects.toThrow(/bad\.jsonl:2: not a record/);
    await expect(
      readAll(path, { onInvalidLine: (problem) => problems.push(`${problem.lineNumber}`) }),
    ).resolves.toEqual([ITEM, EVENT]);
    expect(problems).toEqual(['2', '3']);
  });

  it('rejects contract-invalid records only when asked to validate', async () => {
    const invalid = {
      kind: 'event',
      event: { ...(EVENT.kind === 'event' ? EVENT.event : {}), schemaVersion: 2 },
    };
    const path = join(fixtureDir({ 'v.jsonl': `${JSON.stringify(invalid)}\n` }), 'v.jsonl');

    await expect(readAll(path)).resolves.toHaveLength(1);
    await expect(readAll(path, { validate: true })).rejects.toThrow(
      /invalid page_view: schemaVersion/,
    );
  });
});
