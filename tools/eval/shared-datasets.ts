/**
 * The shared datasets the evaluation runs on: evaluation name → folder and importer, where the folder
 * lives (`RECSYS_DATASETS_DIR`, else `<repo>/../shared/datasets`), and turning an import into
 * interactions and a category map.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  generateStorefront,
  importDataset,
  type DatasetName,
  type DatasetRecord,
  type SyntheticStorefrontOptions,
} from '@recsys/datasets';
import type { StorefrontEvent } from '@recsys/contracts';
import { interactionsFromEvents, type Interaction } from '@recsys/evaluation';

export interface SharedDataset {
  /** Evaluation name (`--dataset`). */
  name: string;
  folder: string;
  importer: DatasetName;
  /** What a reader of the results must know about the data. */
  caveat?: string;
}

export const sharedDatasets: readonly SharedDataset[] = [
  {
    name: 'retailrocket',
    folder: 'retailrocket_caserec_filtered',
    importer: 'retailrocket',
    caveat:
      'CaseRec copy without timestamps: times are synthesised (per visitor: views, then carts, then purchases, one minute apart), so the time split is by synthetic visitor start and sequences are file order, not real order.',
  },
  {
    name: 'yoochoose',
    folder: 'yoochoose_rsc15_sample100k',
    importer: 'yoochoose',
    caveat: 'session-rec 100k-click sample (8 days); anonymous sessions, clicks only.',
  },
  {
    name: 'diginetica',
    folder: 'diginetica_cikm16',
    importer: 'diginetica',
    caveat:
      'purchases (complete) + a 12k-row view sample whose sessions need not overlap the purchases; in-session times estimated.',
  },
  {
    name: 'rees46',
    folder: 'rees46_multicategory_2019oct_head',
    importer: 'rees46',
    caveat: 'first 3 hours of Oct 2019 only: most test users have little history.',
  },
  {
    name: 'movielens-100k',
    folder: 'movielens_100k',
    importer: 'movielens',
    caveat: 'ratings as interactions (any rating counts, as in next-item ML benchmarks).',
  },
  {
    name: 'movielens-1m',
    folder: 'movielens_1m_partial',
    importer: 'movielens',
    caveat:
      'partial ML-1M (users 1..2,999, 487,650 ratings): not comparable to published ML-1M figures.',
  },
  {
    name: 'amazon-beauty',
    folder: 'amazon2018_all_beauty_5core',
    importer: 'amazon',
    caveat: '5-core reviews, 85 items, no metadata: few, long-lived users.',
  },
  {
    name: 'amazon-magazine',
    folder: 'amazon2018_magazine_subscriptions',
    importer: 'amazon',
    caveat: '5-core reviews (157 items) with categories from the metadata.',
  },
];

export class DatasetsMissingError extends Error {}

/** The folder holding the shared datasets; throws a clear error when it is absent. */
export function datasetsDir(repoRoot: string, override: string | undefined): string {
  const dir = override ?? resolve(repoRoot, '..', 'shared', 'datasets');
  if (!existsSync(dir)) {
    throw new DatasetsMissingError(
      `shared datasets not found at ${dir}: put them there (one folder per dataset, see ` +
        `libs/datasets/README.md) or point RECSYS_DATASETS_DIR at them`,
    );
  }
  return dir;
}

export interface LoadedDataset {
  name: string;
  interactions: Interaction[];
  categories: Map<string, readonly string[]>;
  notes: string[];
}

export async function loadSharedDataset(
  dataset: SharedDataset,
  dir: string,
): Promise<LoadedDataset> {
  const folder = join(dir, dataset.folder);
  if (!existsSync(folder))
    throw new DatasetsMissingError(`${folder} is missing (dataset ${dataset.name})`);
  const { records, report } = await importDataset({ dataset: dataset.importer, dir: folder });
  return {
    ...fromRecords(dataset.name, records),
    notes: [...(dataset.caveat === undefined ? [] : [dataset.caveat]), ...report.notes],
  };
}

/** A small synthetic storefront (no shared data needed): for the CI test and demos. */
export function loadSyntheticDataset(options: SyntheticStorefrontOptions): LoadedDataset {
  const storefront = generateStorefront(options);
  return {
    ...fromRecords('synthetic', storefront.records()),
    notes: ['synthetic storefront from @recsys/datasets (deterministic for its seed)'],
  };
}

function fromRecords(name: string, records: Iterable<DatasetRecord>): Omit<LoadedDataset, 'notes'> {
  const events: StorefrontEvent[] = [];
  const categories = new Map<string, readonly string[]>();
  for (const record of records) {
    if (record.kind === 'event') events.push(record.event);
    else if (record.item.categoryPath.length > 0)
      categories.set(record.item.itemId, record.item.categoryPath);
  }
  return { name, interactions: interactionsFromEvents(events), categories };
}
