/**
 * Records as JSON lines: one `{"kind":"event","event":{…}}` or `{"kind":"item","item":{…}}` per line.
 * Both directions stream; writing waits for the file stream to drain, so memory stays flat.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { DatasetRecord } from '../records';
import { validateRecord } from '../records';
import { readLines } from './lines';

export interface JsonlWriteOptions {
  /** Called after every written record with the running count. */
  onProgress?: (written: number) => void;
}

/** Writes records to `path` ("-" for standard output) and resolves with the number written. */
export async function writeJsonl(
  path: string,
  records: Iterable<DatasetRecord> | AsyncIterable<DatasetRecord>,
  options: JsonlWriteOptions = {},
): Promise<number> {
  const output: Writable = path === '-' ? process.stdout : createWriteStream(path);
  let written = 0;
  try {
    for await (const record of records) {
      if (!output.write(`${JSON.stringify(record)}\n`)) await once(output, 'drain');
      written += 1;
      options.onProgress?.(written);
    }
  } finally {
    if (output !== process.stdout) await closeStream(output);
  }
  return written;
}

async function closeStream(output: Writable): Promise<void> {
  const finished = once(output, 'finish');
  output.end();
  await finished;
}

export interface JsonlReadOptions {
  /** Check each record against its contract (slower). @default false: only the record shape. */
  validate?: boolean;
  /**
   * Called for a line that is not a record; without it such a line throws. The reader goes on after it,
   * so a replay can count bad lines instead of stopping.
   */
  onInvalidLine?: (problem: { lineNumber: number; message: string }) => void;
}

export interface JsonlRecord {
  lineNumber: number;
  record: DatasetRecord;
}

export class JsonlFormatError extends Error {
  override readonly name = 'JsonlFormatError';
}

export async function* readJsonl(
  path: string,
  options: JsonlReadOptions = {},
): AsyncGenerator<JsonlRecord> {
  for await (const line of readLines(path)) {
    if (line.text.trim() === '') continue;
    const parsed = parseRecordLine(line.text, options.validate === true);
    if (typeof parsed !== 'string') {
      yield { lineNumber: line.lineNumber, record: parsed };
      continue;
    }
    if (options.onInvalidLine === undefined) {
      throw new JsonlFormatError(`${path}:${line.lineNumber}: ${parsed}`);
    }
    options.onInvalidLine({ lineNumber: line.lineNumber, message: parsed });
  }
}

/** The record on a line, or a message saying why the line is not one. */
function parseRecordLine(text: string, validate: boolean): DatasetRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const candidate = recordCandidate(value);
  if (candidate === undefined)
    return 'not a record: expected {"kind":"event","event":{…}} or {"kind":"item","item":{…}}';
  if (!validate)
    return { kind: candidate.kind, [candidate.kind]: candidate.value } as DatasetRecord;
  const checked = validateRecord(candidate);
  return checked.ok ? checked.record : `invalid ${checked.reason}`;
}

function recordCandidate(value: unknown): { kind: 'event' | 'item'; value: object } | undefined {
  if (typeof value !== 'object' || value === null || !('kind' in value)) return undefined;
  const kind = value.kind;
  if (kind !== 'event' && kind !== 'item') return undefined;
  const payload: unknown = (value as Record<string, unknown>)[kind];
  if (typeof payload !== 'object' || payload === null) return undefined;
  return { kind, value: payload };
}
