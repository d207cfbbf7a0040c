/**
 * Catalogue upserts: validates items against `item_upserted` v1 and writes the valid ones to the
 * compacted `catalog.items.v1`, keyed by itemId so compaction keeps each item's latest state. Same
 * partial acceptance as events: invalid items are reported per index and dead-lettered (to
 * `events.dlq.v1`, the platform's one dead-letter topic). Resolves only after Kafka acknowledged.
 */
import { itemUpsertedV1Schema, type ItemUpsertedV1 } from '@recsys/contracts';
import type { OutgoingMessage } from '@recsys/kafka';
import type { CollectorMetrics } from '../metrics/collector-metrics';
import { checkBatch, optional, textField, type Identity } from './batch-check';
import { compiledItemCheck } from './compiled-check';
import type { IngestPublisher } from './ingest-publisher';
import type { IngestResult } from './ingest-response';
import { onceEach, pseudonymiseIds, type Pseudonymiser } from './pseudonymise';

export const ITEM_EVENT_TYPE = 'item_upserted';

export interface IngestItemsOptions {
  publisher: IngestPublisher;
  limits: { maxEventBytes: number };
  /** Items hold no user ids, but a misdirected event posted here would: its dead letter is cleaned too. */
  pseudonymise: Pseudonymiser;
  metrics: CollectorMetrics;
  /** @default () => new Date() */
  now?: () => Date;
}

export class IngestItemsUseCase {
  private readonly now: () => Date;
  private readonly compiledCheck = compiledItemCheck();

  constructor(private readonly options: IngestItemsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async execute(items: unknown[]): Promise<IngestResult> {
    const pseudonymise = onceEach(this.options.pseudonymise);
    const checked = checkBatch(items, {
      noun: 'item',
      schema: itemUpsertedV1Schema,
      compiledCheck: this.compiledCheck,
      codes: { invalid: 'ITEM_INVALID', tooLarge: 'ITEM_TOO_LARGE' },
      maxBytes: this.options.limits.maxEventBytes,
      toMessage: toCatalogMessage,
      identify: identityOfItem,
      redact: (value) => pseudonymiseIds(value, pseudonymise),
      now: this.now(),
    });
    await this.options.publisher.publish('catalog.items.v1', checked.valid);
    await this.options.publisher.publish('events.dlq.v1', checked.deadLetters);
    this.options.metrics.itemsAccepted.inc(checked.valid.length);
    for (const rejected of checked.rejected) {
      this.options.metrics.itemsRejected.inc({ reason: rejected.reason });
    }
    return { accepted: checked.valid.length, rejected: checked.rejected };
  }
}

/** The publisher adds the CloudEvents headers (ce_id = `<itemId>@<updatedAt>`, stable across replays). */
function toCatalogMessage(item: ItemUpsertedV1): OutgoingMessage<'catalog.items.v1'> {
  return { key: item.itemId, value: item };
}

function identityOfItem(item: unknown): Identity {
  const itemId = textField(item, 'itemId');
  return {
    reference: optional('itemId', itemId),
    deadLetter: { eventType: ITEM_EVENT_TYPE, ...optional('key', itemId) },
  };
}
