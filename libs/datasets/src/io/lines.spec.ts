import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fixtureDir, removeFixtureDirs } from '../test/fixtures';
import { DatasetFormatError, openTable, readFirstLine, readLines, splitFields } from './lines';

afterAll(removeFixtureDirs);

async function collect(path: string, encoding?: 'latin1'): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(path, encoding === undefined ? {} : { encoding }))
    lines.push(`${line.lineNumber}:${line.text}`);
  return lines;
}

describe('readLines', () => {
  it('numbers lines from 1, strips CRLF and keeps a last line without newline', async () => {
    const dir = fixtureDir({ 'a.csv': 'first\r\nsecond\r\n\r\nlast' });

    expect(await collect(join(dir, 'a.csv'))).toEqual(['1:first', '2:second', '3:', '4:last']);
  });

  it('reads gzipped files and latin-1 text', async () => {
    const dir = fixtureDir({
      'a.txt.gz': gzipSync(Buffer.from('x\ny\n')),
      'b.txt': Buffer.from('Café|Zürich\n', 'latin1'),
    });

    expect(await collect(join(dir, 'a.txt.gz'))).toEqual(['1:x', '2:y']);
    expect(await collect(join(dir, 'b.txt'), 'latin1')).toEqual(['1:Café|Zürich']);
  });

  it('keeps multi-byte characters that straddle read chunks', async () => {
    const text = `${'é'.repeat(70_000)}\nnext`;
    const dir = fixtureDir({ 'wide.txt': text });

    expect((await collect(join(dir, 'wide.txt'))).map((line) => line.length)).toEqual([
      2 + 70_000,
      6,
    ]);
  });

  it('gives undefined as the first line of a missing file', async () => {
    await expect(readFirstLine('/nonexistent/file.csv')).resolves.toBeUndefined();
  });
});

describe('openTable', () => {
  it('reads the header, skips blank lines and reports rows as file:line', async () => {
    const dir = fixtureDir({ 't.csv': 'a,b\n1,2\n\n3,4\n' });
    const table = await openTable(join(dir, 't.csv'), { delimiter: ',' });
    const rows: string[] = [];
    for await (const row of table.rows) rows.push(`${row.at}=${row.fields.join('+')}`);

    expect(table.column('b')).toBe(1);
    expect(rows).toEqual(['t.csv:2=1+2', 't.csv:4=3+4']);
    expect(() => table.column('c')).toThrow(DatasetFormatError);
  });

  it('splits quoted fields with delimiters and doubled quotes inside', () => {
    expect(splitFields('x,"a, ""b""",,y', { delimiter: ',', quoted: true })).toEqual([
      'x',
      'a, "b"',
      '',
      'y',
    ]);
    expect(splitFields('1::2::3', { delimiter: '::' })).toEqual(['1', '2', '3']);
  });
});
