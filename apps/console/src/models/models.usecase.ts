/** The model registry for the models page: every version with its metrics, the champion, promotions. */
import { Injectable } from '@nestjs/common';
import type { ModelsV1 } from '@recsys/contracts';
import {
  RedisModelRegistry,
  type ModelVersionRecord,
  type PromotionRecord,
} from '@recsys/feature-store';

/** Versions read (the registry keeps every summary; the chart needs the recent history). */
const MAX_VERSIONS = 200;
const MAX_PROMOTIONS = 100;
/** The chart's picker lists these first, in this order; any other metric follows by name. */
const PREFERRED_METRICS = ['auc', 'logLoss', 'ndcg@10', 'hr@10', 'mrr@10'];

@Injectable()
export class ModelsUseCase {
  constructor(private readonly registry: RedisModelRegistry) {}

  async execute(): Promise<ModelsV1> {
    const [champion, versions, history] = await Promise.all([
      this.registry.champion(),
      this.registry.listVersions(MAX_VERSIONS),
      this.registry.history(MAX_PROMOTIONS),
    ]);
    return modelsViewOf({ modelName: this.registry.modelName, champion, versions, history });
  }
}

export function modelsViewOf(input: {
  modelName: string;
  champion: string | undefined;
  /** Newest first, as the registry lists them. */
  versions: readonly ModelVersionRecord[];
  history: readonly PromotionRecord[];
}): ModelsV1 {
  const versions = [...input.versions]
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .map(versionView);
  return {
    modelName: input.modelName,
    champion: input.champion ?? null,
    versions,
    promotions: input.history.map((entry) => ({
      version: entry.version,
      ...(entry.previousVersion === undefined ? {} : { previousVersion: entry.previousVersion }),
      reason: entry.reason,
      at: entry.at,
    })),
    metricNames: metricNamesOf(versions.map((version) => version.metrics)),
  };
}

function versionView(record: ModelVersionRecord): ModelsV1['versions'][number] {
  const window = record.trainingWindow;
  return {
    version: record.version,
    kind: record.kind,
    createdAt: record.createdAt,
    status: record.status,
    metrics: Object.fromEntries(
      Object.entries(record.metrics).filter(([, value]) => Number.isFinite(value)),
    ),
    ...(record.parentVersion === undefined ? {} : { parentVersion: record.parentVersion }),
    ...(record.note === undefined ? {} : { note: record.note }),
    ...(window === undefined
      ? {}
      : {
          trainingWindow: {
            from: new Date(window.fromMs).toISOString(),
            to: new Date(window.toMs).toISOString(),
            examples: window.examples,
          },
        }),
  };
}

/** A version's own metrics (not the `baseline.` / `champion.` ones scored beside it). */
function metricNamesOf(metrics: ReadonlyArray<Record<string, number>>): string[] {
  const names = new Set(
    metrics.flatMap((entry) => Object.keys(entry)).filter((name) => !name.includes('.')),
  );
  const rank = (name: string) => {
    const index = PREFERRED_METRICS.indexOf(name);
    return index < 0 ? PREFERRED_METRICS.length : index;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
