/**
 * JSON for the Lua scripts' `cjson.decode`. cjson refuses a lone UTF-16 surrogate escape (`"\udc00"`),
 * which JSON.stringify emits for a string holding one (valid under the contracts), so one such id would
 * fail the whole script — every event of its batch. Lone surrogates become U+FFFD, which is exactly what
 * every other Redis argument already becomes (ioredis encodes strings as UTF-8), so the script writes the
 * keys that reads of the same id look up.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

export function toLuaJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'string' ? wellFormed(inner) : inner,
  );
}
