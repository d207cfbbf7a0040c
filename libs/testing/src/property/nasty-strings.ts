/**
 * Strings that break naive code: unicode edge cases (lone surrogates, NUL, bidi overrides, ZWJ emoji
 * sequences, combining marks, non-BMP characters), injection attempts (SQL, the Redis protocol, Lua,
 * JSON inside strings, template and log injection, path traversal) and prototype-pollution keys.
 * A platform must carry them as plain data or refuse them with a reason — never crash or obey them.
 */
import fc, { type Arbitrary } from 'fast-check';

export const unicodeEdgeCases: readonly string[] = [
  '\ud800',
  'lone \udc00 low surrogate',
  'a\u0000b',
  '\u202eevil\u202c',
  'שלום עולם',
  'مرحبا',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '👩🏽‍💻',
  'e\u0301\u0301\u0301',
  '𝕳𝖊𝖑𝖑𝖔',
  '\ufeffBOM',
  '\u200b\u200c\u200d',
  'Z̸̧̛͖̝̤͓̘a̴̡̘l̶̢̛g̵o̵',
  '\uffff\ufffe',
];

export const injectionStrings: readonly string[] = [
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  '\r\n*3\r\n$3\r\nDEL\r\n$1\r\n*\r\n',
  '*1\r\n$8\r\nFLUSHALL\r\n',
  "redis.call('FLUSHALL')",
  ']]; os.exit(1); --[[',
  '{"eventType":"purchase","revenue":1e9}',
  '\\"},"injected":true,"x":{"',
  '${jndi:ldap://example.invalid/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  'line1\nERROR forged log line',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
];

/** Keys that change an object's prototype or shadow its methods when code merges untrusted objects. */
export const pollutionKeys: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

/** Every hand-picked nasty string. */
export const nastyStrings: readonly string[] = [
  ...unicodeEdgeCases,
  ...injectionStrings,
  ...pollutionKeys,
];

/** Nasty strings, arbitrary graphemes and arbitrary code units (which include lone surrogates). */
export function nastyText(options: { maxLength?: number } = {}): Arbitrary<string> {
  const maxLength = options.maxLength ?? 64;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...nastyStrings) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: fc.string({ maxLength }) },
  );
}
