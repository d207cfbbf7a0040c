/**
 * Deterministic identifiers and instants for imported rows. An event id is built from the dataset's
 * prefix and the source row's identity (never from a counter or a clock), so importing the same file
 * twice yields the same ids and the platform's idempotency keys de-duplicate a re-import.
 */
import { createHash } from 'node:crypto';

const MAX_ID_LENGTH = 128;
const HASHED_ID_HEX_LENGTH = 40;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * `prefix:part:part…` when that is a valid contract id (≤ 128 printable characters), else
 * `prefix:h:<sha-256 prefix>` of the same text, so long or odd source values still give a stable id.
 */
export function stableId(prefix: string, parts: readonly (string | number)[]): string {
  const readable = [prefix, ...parts].join(':');
  if (readable.length <= MAX_ID_LENGTH && !CONTROL_CHARACTERS.test(readable)) return readable;
  const digest = createHash('sha256').update(readable, 'utf8').digest('hex');
  return `${prefix}:h:${digest.slice(0, HASHED_ID_HEX_LENGTH)}`;
}

/** A source id usable as a contract id as it is (user, item, order), or undefined when it is not. */
export function sourceId(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === '' || trimmed.length > MAX_ID_LENGTH) return undefined;
  return CONTROL_CHARACTERS.test(trimmed) ? undefined : trimmed;
}

/** 32-bit FNV-1a: a cheap, stable hash for spreading values (not for security). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

// Public interaction datasets start in the late 1990s; anything outside this window is a parse error.
const EARLIEST_PLAUSIBLE_MS = Date.UTC(1990, 0, 1);
const LATEST_PLAUSIBLE_MS = Date.UTC(2100, 0, 1);

export function isPlausibleTimeMs(timeMs: number): boolean {
  return Number.isFinite(timeMs) && timeMs >= EARLIEST_PLAUSIBLE_MS && timeMs < LATEST_PLAUSIBLE_MS;
}

/** Unix seconds with an optional decimal fraction (`1396860669.277`), parsed without float rounding. */
export function unixSecondsToMs(text: string): number {
  const match = /^\s*(\d{1,12})(?:\.(\d{1,9}))?\s*$/.exec(text);
  if (match === null) return Number.NaN;
  const fraction = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  return Number(match[1]) * 1000 + Number(fraction);
}

/** An integer in decimal notation, or NaN (unlike `Number`, rejects '', '1e3' and '0x10'). */
export function parseInteger(text: string | undefined): number {
  if (text === undefined || !/^\s*-?\d{1,15}\s*$/.test(text)) return Number.NaN;
  return Number(text);
}

/** A finite decimal number, or NaN. */
export function parseDecimal(text: string | undefined): number {
  if (text === undefined || !/^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(text)) return Number.NaN;
  return Number(text);
}

export function isoFromMs(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

/** Rounds an amount to cents, so sums of prices compare within the contract's one-cent tolerance. */
export function roundToCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
