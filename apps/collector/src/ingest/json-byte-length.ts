/**
 * The UTF-8 byte length of `JSON.stringify(value)`, counted without building the text, so an accepted
 * event is stringified once on its way to Kafka (by the publisher) and not a second time for its size
 * limit. For the values `JSON.parse` makes (objects, arrays, strings, numbers, booleans, null); the
 * spec holds it to `Buffer.byteLength(JSON.stringify(value))`.
 */

/** Printable ASCII other than `"` and `\`: each one byte, written as it is. */
const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** \b \t \n \f \r: two-character escapes; the other controls take six (`\u00XX`). */
const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Bytes of one UTF-16 code unit outside a surrogate pair, as JSON.stringify writes it. */
function unitBytes(code: number): number {
  if (code === 0x22 || code === 0x5c) return 2;
  if (code < 0x20) return SHORT_ESCAPES.has(code) ? 2 : 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  // A lone surrogate is escaped as `\uXXXX` (well-formed JSON.stringify).
  return isHighSurrogate(code) || isLowSurrogate(code) ? 6 : 3;
}

/** A JSON string literal's bytes, quotes included. */
function stringBytes(text: string): number {
  if (PLAIN_TEXT.test(text)) return text.length + 2;
  let bytes = 2;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index += 1;
    } else {
      bytes += unitBytes(code);
    }
  }
  return bytes;
}

function arrayBytes(values: readonly unknown[]): number {
  let bytes = 2 + Math.max(0, values.length - 1);
  for (const value of values) bytes += value === undefined ? 4 : jsonByteLength(value);
  return bytes;
}

function objectBytes(value: object): number {
  let bytes = 2;
  let fields = 0;
  for (const name of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[name];
    if (field === undefined) continue;
    bytes += stringBytes(name) + 1 + jsonByteLength(field);
    fields += 1;
  }
  return bytes + Math.max(0, fields - 1);
}

export function jsonByteLength(value: unknown): number {
  if (typeof value === 'string') return stringBytes(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (value === null) return 4;
  if (Array.isArray(value)) return arrayBytes(value);
  if (typeof value === 'object') return objectBytes(value);
  throw new TypeError(`jsonByteLength takes parsed JSON, not a ${typeof value}`);
}
