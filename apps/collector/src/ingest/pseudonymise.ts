/**
 * User ids never leave the collector: accepted events carry the keyed pseudonym (HMAC, see
 * @recsys/features) in `userId` and in the Kafka key. Dead letters hold payloads that failed validation,
 * so nothing about their shape can be trusted: every `userId` found at any depth is pseudonymised when
 * it is a string (the same pseudonym the raw topic would carry, so a dead letter still links to its user)
 * and dropped otherwise. `anonymousId` is a random device id, not personal data on its own: it stays.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import { pseudonymiseUserId } from '@recsys/features';

export type Pseudonymiser = (userId: string) => string;

export function pseudonymiserFor(secret: string): Pseudonymiser {
  return (userId) => pseudonymiseUserId(secret, userId);
}

export function pseudonymiseEvent(
  event: StorefrontEvent,
  pseudonymise: Pseudonymiser,
): StorefrontEvent {
  return event.userId === undefined ? event : { ...event, userId: pseudonymise(event.userId) };
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

/** A copy of `value` with every `userId` pseudonymised (strings) or removed (anything else). */
export function pseudonymiseUserIds(value: unknown, pseudonymise: Pseudonymiser): unknown {
  return walk(value, { pseudonymise, depth: 0 });
}

function walk(value: unknown, context: { pseudonymise: Pseudonymiser; depth: number }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (context.depth >= MAX_DEPTH) return TOO_DEEP_MARKER;
  const inner = { ...context, depth: context.depth + 1 };
  if (Array.isArray(value)) return value.map((element) => walk(element, inner));
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (name !== 'userId') defineField(copy, name, walk(field, inner));
    else if (typeof field === 'string') copy[name] = context.pseudonymise(field);
  }
  return copy;
}
