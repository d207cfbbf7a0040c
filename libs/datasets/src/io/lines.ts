/**
 * Streaming line and table readers: a file is read in chunks and split into lines (gunzipped when it
 * ends in `.gz`), so memory does not grow with the file. LF and CRLF endings are handled; a quoted CSV
 * field may not span lines.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Read size; larger chunks mean fewer, cheaper iterations over big files. */
const CHUNK_BYTES = 64 * 1024;

export interface SourceLine {
  /** 1-based, as an editor shows it. */
  lineNumber: number;
  text: string;
}

export interface LineReadOptions {
  /** @default "utf8" — MovieLens files are "latin1". */
  encoding?: 'utf8' | 'latin1';
}

export async function* readLines(
  path: string,
  options: LineReadOptions = {},
): AsyncGenerator<SourceLine> {
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const text: Readable = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  // A decoding stream keeps multi-byte characters split across chunks intact.
  text.setEncoding(options.encoding ?? 'utf8');
  let lineNumber = 0;
  let partial = '';
  try {
    for await (const chunk of text) {
      const lines = (partial + String(chunk)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        lineNumber += 1;
        yield { lineNumber, text: withoutCarriageReturn(line) };
      }
    }
    if (partial !== '') yield { lineNumber: lineNumber + 1, text: withoutCarriageReturn(partial) };
  } finally {
    file.destroy();
  }
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The first line of a file, or undefined when the file is empty or unreadable (for `detect`). */
export async function readFirstLine(
  path: string,
  options: LineReadOptions = {},
): Promise<string | undefined> {
  try {
    for await (const line of readLines(path, options)) return line.text;
  } catch {
    return undefined;
  }
  return undefined;
}

export interface TableRow {
  lineNumber: number;
  fields: string[];
  /** `file:line`, for reports. */
  at: string;
}

export interface TableOptions extends LineReadOptions {
  /** Field separator: ",", ";", "\t" or a multi-character one such as "::". */
  delimiter: string;
  /** Column names when the file has no header line; otherwise the first line is the header. */
  columns?: readonly string[];
  /** Honour double quotes around fields (RFC 4180 style, without line breaks inside quotes). @default false */
  quoted?: boolean;
}

export interface Table {
  columns: readonly string[];
  rows: AsyncGenerator<TableRow>;
  /** Index of a column; throws a DatasetFormatError naming the file when it is missing. */
  column(name: string): number;
}

export class DatasetFormatError extends Error {
  override readonly name = 'DatasetFormatError';
}

export async function openTable(path: string, options: TableOptions): Promise<Table> {
  const lines = readLines(path, options);
  const file = basename(path);
  let columns = options.columns;
  if (columns === undefined) {
    const first = await lines.next();
    if (first.done === true) throw new DatasetFormatError(`${file}: empty file, expected a header`);
    columns = splitFields(first.value.text.replace(/^\uFEFF/, ''), options).map((name) =>
      name.trim(),
    );
  }
  const known = columns;
  return {
    columns: known,
    rows: tableRows({ lines, file, options }),
    column(name) {
      const index = known.indexOf(name);
      if (index >= 0) return index;
      throw new DatasetFormatError(`${file}: no column "${name}" (columns: ${known.join(', ')})`);
    },
  };
}

async function* tableRows(source: {
  lines: AsyncGenerator<SourceLine>;
  file: string;
  options: TableOptions;
}): AsyncGenerator<TableRow> {
  for await (const line of source.lines) {
    if (line.text.trim() === '') continue;
    yield {
      lineNumber: line.lineNumber,
      fields: splitFields(line.text, source.options),
      at: `${source.file}:${line.lineNumber}`,
    };
  }
}

export function splitFields(
  text: string,
  options: Pick<TableOptions, 'delimiter' | 'quoted'>,
): string[] {
  if (options.quoted !== true || !text.includes('"')) return text.split(options.delimiter);
  return splitQuoted(text, options.delimiter);
}

function splitQuoted(text: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inQuotes && char === '"' && text[index + 1] === '"') {
      current += '"';
      index += 1;
    } else if (char === '"') {
      inQuotes = !inQuotes;
    } else if (!inQuotes && text.startsWith(delimiter, index)) {
      fields.push(current);
      current = '';
      index += delimiter.length - 1;
    } else {
      current += char;
    }
  }
  fields.push(current);
  return fields;
}
