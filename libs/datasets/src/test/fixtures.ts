/** Test support: dataset fixture folders written to a temporary directory, and record checks. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DatasetRecord } from '../records';
import { validateRecord } from '../records';

const created: string[] = [];

/** Writes `files` (name → text or bytes) into a fresh temporary folder and returns its path. */
export function fixtureDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'recsys-datasets-'));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Removes every folder made by fixtureDir (call from afterAll). */
export function removeFixtureDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** The shared datasets folder next to the repository (`<repo>/../shared/datasets`). */
export const SHARED_DATASETS_DIR = resolve(REPO_ROOT, '..', 'shared', 'datasets');

export function eventsOf(records: readonly DatasetRecord[]) {
  return records.flatMap((record) => (record.kind === 'event' ? [record.event] : []));
}

export function itemsOf(records: readonly DatasetRecord[]) {
  return records.flatMap((record) => (record.kind === 'item' ? [record.item] : []));
}

/** Reasons of the records that fail their schema (empty when all pass). */
export function schemaFailures(records: readonly DatasetRecord[]): string[] {
  return records.flatMap((record) => {
    const checked = validateRecord({
      kind: record.kind,
      value: record.kind === 'event' ? record.event : record.item,
    });
    return checked.ok ? [] : [checked.reason];
  });
}

/** True when records are in time order (events by timestamp, items by updatedAt). */
export function isTimeOrdered(records: readonly DatasetRecord[]): boolean {
  const times = records.map((record) =>
    Date.parse(record.kind === 'event' ? record.event.timestamp : record.item.updatedAt),
  );
  return times.every((time, index) => index === 0 || time >= (times[index - 1] ?? time));
}
