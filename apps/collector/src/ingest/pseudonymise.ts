/**
 * No id that names a shopper leaves the collector: accepted events carry keyed pseudonyms (HMAC, see
 * @recsys/features) of their `userId`, `anonymousId` and `sessionId`, and the Kafka key is the pseudonym.
 * An anonymous id is a device cookie that links every visit of one person, and a session id links a
 * visit's events: both are personal data, pseudonymised like the user id (each with its own domain, so
 * the same text as user and anonymous id gives unrelated pseudonyms). Dead letters hold payloads that
 * failed validation, so nothing about their shape can be trusted: every such field found at any depth
 * is pseudonymised when it is a string (the same pseudonym the raw topic would carry, so a dead letter
 * still links to its shopper) and dropped otherwise.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import {
  pseudonymiseAnonymousId,
  pseudonymiseSessionId,
  pseudonymiseUserId,
} from '@recsys/features';

/** The fields that name a shopper, each with its own pseudonym. */
export type IdentifyingField = 'userId' | 'anonymousId' | 'sessionId';
export type Pseudonymiser = Record<IdentifyingField, (id: string) => string>;

export function pseudonymiserFor(secret: string): Pseudonymiser {
  return {
    userId: (id) => pseudonymiseUserId(secret, id),
    anonymousId: (id) => pseudonymiseAnonymousId(secret, id),
    sessionId: (id) => pseudonymiseSessionId(secret, id),
  };
}

/** Computes each id's pseudonym once and remembers it; one per batch, so it holds one batch's ids. */
export function onceEach(pseudonymise: Pseudonymiser): Pseudonymiser {
  const remembering = (pseudonymiseOne: (id: string) => string) => {
    const known = new Map<string, string>();
    return (id: string): string => {
      let pseudonym = known.get(id);
      if (pseudonym === undefined) {
        pseudonym = pseudonymiseOne(id);
        known.set(id, pseudonym);
      }
      return pseudonym;
    };
  };
  return {
    userId: remembering(pseudonymise.userId),
    anonymousId: remembering(pseudonymise.anonymousId),
    sessionId: remembering(pseudonymise.sessionId),
  };
}

/** The event with its shopper ids pseudonymised and, when given, the collector's `receivedAt`. */
export function pseudonymiseEvent(
  event: StorefrontEvent,
  pseudonymise: Pseudonymiser,
  receivedAt?: string,
): StorefrontEvent {
  // One copy per event (this runs for every accepted event); a field already there keeps its place.
  const copy = { ...event };
  if (receivedAt !== undefined) copy.receivedAt = receivedAt;
  if (event.userId !== undefined) copy.userId = pseudonymise.userId(event.userId);
  if (event.anonymousId !== undefined)
    copy.anonymousId = pseudonymise.anonymousId(event.anonymousId);
  copy.sessionId = pseudonymise.sessionId(event.sessionId);
  return copy;
}

/** Deeper than any contract nests; a payload nested further is cut here rather than walked. */
const MAX_DEPTH = 32;
export const TOO_DEEP_MARKER = '[removed: nested deeper than the collector inspects]';

/** Sets a field as data, even `__proto__` (an assignment would replace the copy's prototype instead). */
function defineField(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function isIdentifying(name: string): name is IdentifyingField {
  return name === 'userId' || name === 'anonymousId' || name === 'sessionId';
}

/**
 * A copy of `value` with every `userId`, `anonymousId` and `sessionId` pseudonymised (strings) or
 * removed (anything else).
 */
export function pseudonymiseIds(value: unknown, pseudonymise: Pseudonymiser): unknown {
  return walk(value, { pseudonymise, depth: 0 });
}

function walk(value: unknown, context: { pseudonymise: Pseudonymiser; depth: number }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (context.depth >= MAX_DEPTH) return TOO_DEEP_MARKER;
  const inner = { ...context, depth: context.depth + 1 };
  if (Array.isArray(value)) return value.map((element) => walk(element, inner));
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (!isIdentifying(name)) defineField(copy, name, walk(field, inner));
    else if (typeof field === 'string') copy[name] = context.pseudonymise[name](field);
  }
  return copy;
}
