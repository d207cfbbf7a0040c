/**
 * The contract between the import pipeline and one dataset's importer. An importer streams its files and
 * yields drafts in source order; the pipeline de-duplicates, sorts, sessionises, validates and reports.
 */
import type { DraftRecord, EventDraft } from '../records';
import { isoFromMs } from './identity';
import type { ImportReportBuilder } from './report';

export const datasetNames = [
  'retailrocket',
  'yoochoose',
  'diginetica',
  'rees46',
  'movielens',
  'amazon',
] as const;
export type DatasetName = (typeof datasetNames)[number];

export interface ImportContext {
  readonly dir: string;
  readonly report: ImportReportBuilder;
  /**
   * Accounts one interaction row (a view, a rating…) and says whether to map it: false once the import
   * limit is reached, and the importer then stops reading interaction files.
   */
  takeRow(): boolean;
  /** Accounts one catalogue row (not subject to the limit). */
  catalogueRow(): void;
  /** Whether an item should be emitted: always with item scope "all", else only when an event names it. */
  wantsItem(itemId: string): boolean;
}

export interface DatasetImporter {
  readonly name: DatasetName;
  /** The file layouts it reads, for help texts and error messages. */
  readonly layouts: string;
  /** Whether `dir` holds this dataset in a layout the importer reads. */
  detect(dir: string): Promise<boolean>;
  read(context: ImportContext): AsyncIterable<DraftRecord>;
}

/**
 * Prices of datasets that publish none (or only hashed ones) are 0 in this currency: ISO 4217 "XXX"
 * means "no currency involved", so nobody mistakes an unknown price for a free item in euros.
 */
export const UNKNOWN_CURRENCY = 'XXX';

export interface EnvelopeInput {
  eventId: string;
  timeMs: number;
  userId?: string | undefined;
  anonymousId?: string | undefined;
  sessionId?: string | undefined;
  properties?: Record<string, string | number | boolean | null> | undefined;
}

type EnvelopeFields = Pick<
  EventDraft,
  'eventId' | 'schemaVersion' | 'timestamp' | 'userId' | 'anonymousId' | 'sessionId' | 'properties'
>;

/** The envelope fields of an imported event; absent identities are left out rather than undefined. */
export function envelopeOf(input: EnvelopeInput): EnvelopeFields {
  const fields: EnvelopeFields = {
    eventId: input.eventId,
    schemaVersion: 1,
    timestamp: isoFromMs(input.timeMs),
  };
  if (input.userId !== undefined) fields.userId = input.userId;
  if (input.anonymousId !== undefined) fields.anonymousId = input.anonymousId;
  if (input.sessionId !== undefined) fields.sessionId = input.sessionId;
  if (input.properties !== undefined) fields.properties = input.properties;
  return fields;
}

/** An event draft record, with its instant kept as a number for sorting. */
export function eventRecord(event: EventDraft, timeMs: number): DraftRecord {
  return { kind: 'event', event, timeMs };
}
