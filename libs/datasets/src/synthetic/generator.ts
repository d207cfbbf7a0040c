/**
 * A synthetic storefront for demos and tests that need no dataset: a catalogue, shoppers with latent
 * tastes, and their sessions over simulated days. Deterministic for a seed: the same options give the
 * same records, byte for byte. Records come as item upserts first, then events in time order; events are
 * produced day by day, so memory holds about one day of events rather than the whole run.
 */
import type { ItemUpsertedV1, StorefrontEvent } from '@recsys/contracts';
import type { DatasetRecord } from '../records';
import { buildCatalog, type SyntheticCatalog } from './catalog';
import { groundTruthOf, type GroundTruth } from './ground-truth';
import { buildUsers, type SyntheticUser } from './population';
import { SeededRandom } from './random';
import { createSimulationWorld, simulateSession, type SimulationWorld } from './session';
import { HOUR_WEIGHTS } from './vocabulary';

export interface SyntheticStorefrontOptions {
  /** @default 1 */
  seed?: number;
  /** @default 200 */
  users?: number;
  /** @default 500 */
  items?: number;
  /** Leaf categories (spread over up to eight departments). @default 24 */
  categories?: number;
  /** @default 40 */
  brands?: number;
  /** Simulated days. @default 14 */
  days?: number;
  /** First simulated instant (UTC; days start here). @default "2026-01-05T00:00:00.000Z" */
  startTime?: string;
  /** Mean sessions of an average shopper per day (each shopper's activity scales it). @default 0.5 */
  sessionsPerUserPerDay?: number;
  /** Exponent of the Zipf law of item popularity. @default 1.05 */
  zipfExponent?: number;
  /** Share of sessions without login (events carry only the anonymous id). @default 0.15 */
  loggedOutShare?: number;
  /** @default "EUR" */
  currency?: string;
}

export type ResolvedStorefrontOptions = Required<SyntheticStorefrontOptions>;

export const DEFAULT_STOREFRONT_OPTIONS: ResolvedStorefrontOptions = {
  seed: 1,
  users: 200,
  items: 500,
  categories: 24,
  brands: 40,
  days: 14,
  startTime: '2026-01-05T00:00:00.000Z',
  sessionsPerUserPerDay: 0.5,
  zipfExponent: 1.05,
  loggedOutShare: 0.15,
  currency: 'EUR',
};

export interface SyntheticStorefront {
  options: ResolvedStorefrontOptions;
  catalog: SyntheticCatalog;
  users: SyntheticUser[];
  groundTruth: GroundTruth;
  items: ItemUpsertedV1[];
  /** Item upserts, then events in time order. Each call replays the same sequence. */
  records(): Generator<DatasetRecord>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const SESSION_GAP_MS = 30 * 60 * 1000;

export function generateStorefront(options: SyntheticStorefrontOptions = {}): SyntheticStorefront {
  const resolved = resolveOptions(options);
  const root = new SeededRandom(resolved.seed);
  const startMs = Date.parse(resolved.startTime);
  const catalog = buildCatalog(
    { ...resolved, updatedAt: new Date(startMs - DAY_MS).toISOString() },
    root.fork('catalog'),
  );
  const users = buildUsers({ count: resolved.users, catalog, random: root.fork('users') });
  return {
    options: resolved,
    catalog,
    users,
    groundTruth: groundTruthOf(catalog, users),
    items: catalog.items.map((item) => item.upsert),
    records: () => storefrontRecords({ options: resolved, catalog, users, startMs }),
  };
}

function resolveOptions(options: SyntheticStorefrontOptions): ResolvedStorefrontOptions {
  const resolved = { ...DEFAULT_STOREFRONT_OPTIONS, ...definedOnly(options) };
  const counts = ['users', 'items', 'categories', 'brands', 'days'] as const;
  for (const name of counts) {
    if (!Number.isInteger(resolved[name]) || resolved[name] < 1)
      throw new RangeError(`${name} must be a positive integer`);
  }
  if (Number.isNaN(Date.parse(resolved.startTime)))
    throw new RangeError('startTime must be an ISO timestamp');
  if (!(resolved.sessionsPerUserPerDay > 0))
    throw new RangeError('sessionsPerUserPerDay must be positive');
  if (!(resolved.loggedOutShare >= 0 && resolved.loggedOutShare <= 1))
    throw new RangeError('loggedOutShare must be in 0..1');
  return resolved;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

function* storefrontRecords(input: {
  options: ResolvedStorefrontOptions;
  catalog: SyntheticCatalog;
  users: SyntheticUser[];
  startMs: number;
}): Generator<DatasetRecord> {
  const { options, catalog, users, startMs } = input;
  for (const item of catalog.items) yield { kind: 'item', item: item.upsert };
  const world = createSimulationWorld({
    catalog,
    random: new SeededRandom(options.seed).fork('behaviour'),
    seed: options.seed,
    currency: options.currency,
  });
  const endMs = startMs + options.days * DAY_MS;
  let pending: TimedEvent[] = [];
  let sessionNumber = 0;
  for (let day = 0; day < options.days; day += 1) {
    const dayStartMs = startMs + day * DAY_MS;
    for (const user of users) {
      const outcome = simulateUserDay({
        world,
        user,
        dayStartMs,
        options,
        firstSession: sessionNumber,
      });
      sessionNumber += outcome.sessions;
      pending.push(
        ...timed(outcome.events),
        ...timed(outcome.later).filter((entry) => entry.timeMs < endMs),
      );
    }
    // Sessions of later days start at or after the next midnight, so everything before it is final.
    const flushBeforeMs = day === options.days - 1 ? Number.POSITIVE_INFINITY : dayStartMs + DAY_MS;
    pending.sort((left, right) => left.timeMs - right.timeMs);
    const cut = pending.findIndex((entry) => entry.timeMs >= flushBeforeMs);
    const ready = cut < 0 ? pending : pending.slice(0, cut);
    pending = cut < 0 ? [] : pending.slice(cut);
    for (const entry of ready) yield { kind: 'event', event: entry.event };
  }
}

interface TimedEvent {
  timeMs: number;
  event: StorefrontEvent;
}

function timed(events: readonly StorefrontEvent[]): TimedEvent[] {
  return events.map((event) => ({ timeMs: Date.parse(event.timestamp), event }));
}

/** A shopper's sessions of one day: Poisson count, start hours from the local traffic curve, no overlap. */
function simulateUserDay(input: {
  world: SimulationWorld;
  user: SyntheticUser;
  dayStartMs: number;
  options: ResolvedStorefrontOptions;
  firstSession: number;
}) {
  const { world, user, options } = input;
  const random = world.random;
  const count = random.poisson(options.sessionsPerUserPerDay * user.activity);
  const starts = Array.from({ length: count }, () =>
    sessionStartMs({ random, user, dayStartMs: input.dayStartMs }),
  ).sort((left, right) => left - right);
  const events: StorefrontEvent[] = [];
  const later: StorefrontEvent[] = [];
  let freeFromMs = Number.NEGATIVE_INFINITY;
  for (const [offset, plannedMs] of starts.entries()) {
    const startMs = Math.max(plannedMs, freeFromMs);
    const loggedIn = !random.chance(options.loggedOutShare);
    const outcome = simulateSession(world, {
      user,
      startMs,
      loggedIn,
      sessionNumber: input.firstSession + offset + 1,
    });
    events.push(...outcome.events);
    later.push(...outcome.later);
    freeFromMs = outcome.endMs + SESSION_GAP_MS + 60_000;
  }
  return { sessions: count, events, later };
}

function sessionStartMs(input: {
  random: SeededRandom;
  user: SyntheticUser;
  dayStartMs: number;
}): number {
  const localHour = input.random.weightedIndex(HOUR_WEIGHTS);
  const utcHour = (localHour - input.user.locale.utcOffsetHours + 24) % 24;
  return input.dayStartMs + utcHour * HOUR_MS + input.random.int(HOUR_MS);
}
