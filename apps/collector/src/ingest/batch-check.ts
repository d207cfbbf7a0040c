/**
 * Checks a batch of untrusted values against one contract, value by value, so a batch is never all or
 * nothing: valid values become outgoing messages; each invalid one is reported back (by index) and
 * becomes a dead letter with a typed reason, pseudonymised first. accepted + rejected = sent.
 * A value first meets the check compiled from the contract's zod schema; only one it does not pass goes
 * through the checks below and zod, which decides and explains a refusal (compiled-check.ts).
 */
import type { z } from 'zod';
import {
  toValidationIssues,
  type DeadLetterReason,
  type ErrorCode,
  type ValidationIssue,
} from '@recsys/contracts';
import { deadLetterMessage, type OutgoingMessage } from '@recsys/kafka';
import { COLLECTOR_SERVICE_NAME } from '../config';
import type { CompiledCheck } from './compiled-check';
import type { IngestTopic } from './ingest-publisher';
import type { RejectedEntry } from './ingest-response';
import { jsonByteLength } from './json-byte-length';

/** How a value is named in the response and in its dead letter. */
export interface Identity {
  reference: { eventId?: string; itemId?: string };
  deadLetter: { eventId?: string; eventType?: string; key?: string };
}

export interface BatchContract<TValue, TTopic extends IngestTopic> {
  /** `event` or `item`, in messages. */
  noun: string;
  schema: z.ZodType<TValue>;
  /**
   * Compiled from `schema` (compiled-check.ts): true when zod would accept the value and return it as
   * it is, so zod does not run. Absent: zod checks every value.
   */
  compiledCheck?: CompiledCheck;
  codes: { invalid: ErrorCode; tooLarge: ErrorCode };
  maxBytes: number;
  toMessage: (value: TValue) => OutgoingMessage<TTopic>;
  identify: (value: unknown) => Identity;
  /** Applied to an invalid value before it is stored in a dead letter. */
  redact: (value: unknown) => unknown;
  now: Date;
}

export interface CheckedBatch<TTopic extends IngestTopic> {
  valid: OutgoingMessage<TTopic>[];
  rejected: RejectedEntry[];
  deadLetters: OutgoingMessage<'events.dlq.v1'>[];
}

/** Deeper than any contract nests (strict schemas refuse deeper values anyway). */
const MAX_KEY_SEARCH_DEPTH = 16;

interface Refusal {
  index: number;
  value: unknown;
  code: ErrorCode;
  reason: DeadLetterReason;
  message: string;
  issues?: ValidationIssue[];
}

export function checkBatch<TValue, TTopic extends IngestTopic>(
  values: unknown[],
  contract: BatchContract<TValue, TTopic>,
): CheckedBatch<TTopic> {
  const checked: CheckedBatch<TTopic> = { valid: [], rejected: [], deadLetters: [] };
  values.forEach((value, index) => {
    const refusal = checkOne({ value, index, contract, checked });
    if (refusal) refuse(checked, refusal, contract);
  });
  return checked;
}

/** One value of a batch, with what it is checked against and where an accepted one goes. */
interface OneValue<TValue, TTopic extends IngestTopic> {
  value: unknown;
  index: number;
  contract: BatchContract<TValue, TTopic>;
  checked: CheckedBatch<TTopic>;
}

function checkOne<TValue, TTopic extends IngestTopic>(
  input: OneValue<TValue, TTopic>,
): Refusal | undefined {
  const { value, index, contract } = input;
  if (contract.compiledCheck?.(value) === true) return acceptAsSent(input);
  const serialised = serialise(value);
  if (serialised === undefined) {
    const message = `${contract.noun} is nested too deeply to process`;
    return { index, value, code: contract.codes.invalid, reason: 'schema_violation', message };
  }
  if (Buffer.byteLength(serialised) > contract.maxBytes) return tooLarge(input);
  const prototypeKey = prototypeKeyPath(value);
  if (prototypeKey !== undefined) {
    const message = `${contract.noun} has a __proto__ key`;
    const issues = [{ path: prototypeKey, message: 'must not be __proto__' }];
    return {
      index,
      value,
      code: contract.codes.invalid,
      reason: 'schema_violation',
      message,
      issues,
    };
  }
  const parsed = contract.schema.safeParse(value);
  if (!parsed.success) {
    return {
      index,
      value,
      code: contract.codes.invalid,
      reason: 'schema_violation',
      message: `${contract.noun} does not match its schema`,
      issues: toValidationIssues(parsed.error),
    };
  }
  input.checked.valid.push(contract.toMessage(parsed.data));
  return undefined;
}

/**
 * A value the compiled check passed is the value zod would return: within the nesting the serialiser
 * takes and free of `__proto__` keys (zod's schemas are strict and bounded, records refuse the key), so
 * of the checks above only the size is left. It is counted without stringifying the value: the
 * publisher stringifies an accepted value once, on its way to Kafka.
 */
function acceptAsSent<TValue, TTopic extends IngestTopic>(
  input: OneValue<TValue, TTopic>,
): Refusal | undefined {
  if (jsonByteLength(input.value) > input.contract.maxBytes) return tooLarge(input);
  input.checked.valid.push(input.contract.toMessage(input.value as TValue));
  return undefined;
}

function tooLarge<TValue, TTopic extends IngestTopic>(
  input: Omit<OneValue<TValue, TTopic>, 'checked'>,
): Refusal {
  const { value, index, contract } = input;
  const message = `${contract.noun} is larger than ${contract.maxBytes} bytes`;
  return { index, value, code: contract.codes.tooLarge, reason: 'too_large', message };
}

/**
 * Where a value holds a `__proto__` key (JSON.parse keeps it as data): zod skips such keys in records, so
 * the entry would be accepted with the key silently gone. Refusing it keeps "nothing silently dropped".
 */
function prototypeKeyPath(value: unknown, path: string[] = []): string | undefined {
  if (typeof value !== 'object' || value === null || path.length > MAX_KEY_SEARCH_DEPTH) return;
  if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '__proto__')) {
    return [...path, '__proto__'].join('.');
  }
  for (const [key, inner] of Object.entries(value)) {
    const found = prototypeKeyPath(inner, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** JSON text of a parsed body value; undefined when it nests deeper than the serialiser's stack allows. */
function serialise(value: unknown): string | undefined {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function refuse<TValue, TTopic extends IngestTopic>(
  checked: CheckedBatch<TTopic>,
  refusal: Refusal,
  contract: BatchContract<TValue, TTopic>,
): void {
  const { value, ...entry } = refusal;
  const redacted = contract.redact(value);
  const identity = contract.identify(redacted);
  checked.rejected.push({ ...entry, ...identity.reference });
  checked.deadLetters.push(
    deadLetterMessage(
      {
        reason: entry.reason,
        code: entry.code,
        message: `${contract.noun} #${entry.index}: ${entry.message}`,
        service: COLLECTOR_SERVICE_NAME,
        payload: JSON.stringify(redacted) ?? 'null',
        ...(entry.issues ? { issues: entry.issues } : {}),
        ...identity.deadLetter,
      },
      contract.now,
    ),
  );
}

/** A non-empty string field of an untrusted value, bounded. */
export function textField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === 'string' && field.length > 0 ? field.slice(0, 256) : undefined;
}

/** `{ name: value }` when value is defined, else `{}` (for optional fields under strict types). */
export function optional<TName extends string>(
  name: TName,
  value: string | undefined,
): Partial<Record<TName, string>> {
  return value === undefined ? {} : ({ [name]: value } as Record<TName, string>);
}
