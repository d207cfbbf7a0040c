/**
 * One training run: split the window by time, train a challenger (warm-started from the champion when
 * it can be), score challenger, champion and the popularity baseline on the held-out period, store the
 * challenger in the registry, and promote + announce it only when it wins.
 */
import type { ModelPublishedV1, TrainingExample } from '@recsys/contracts';
import {
  modelPublishedEventOf,
  type ModelVersionRecord,
  type RedisModelRegistry,
} from '@recsys/feature-store';
import { SequenceRanker, type TrainingProgress } from '@recsys/model';
import { toLabelled } from './labelled';
import { selectEncoder, type EncoderScore } from './model-selection';
import type { TrainingSettings } from '../config';
import { heldOutMetrics, popularityScores, type HeldOutMetrics } from './held-out';
import { decidePromotion, type PromotionDecision } from './promotion-policy';
import { newRanker } from './ranker-factory';

export interface TrainingCycleDeps {
  registry: RedisModelRegistry;
  publish: (event: ModelPublishedV1) => Promise<void>;
  settings: TrainingSettings;
  log: (line: string) => void;
  now?: () => number;
}

export type CycleResult =
  | { status: 'skipped'; reason: string }
  | {
      status: 'promoted' | 'rejected';
      version: string;
      decision: PromotionDecision;
      challenger: HeldOutMetrics;
      champion?: HeldOutMetrics;
      baseline: HeldOutMetrics;
      trainingExamplesPerSecond: number;
      /** Validation AUC per candidate encoder when several were compared (time-blocked folds). */
      selection: EncoderScore[];
    };

/** Oldest share trains, newest share is held out; both need positives and negatives. */
export { toLabelled };

export function splitByTime(
  examples: readonly TrainingExample[],
  holdoutFraction: number,
): { train: TrainingExample[]; holdout: TrainingExample[] } {
  const cut = Math.floor(examples.length * (1 - holdoutFraction));
  return { train: examples.slice(0, cut), holdout: examples.slice(cut) };
}

function hasBothClasses(examples: readonly TrainingExample[]): boolean {
  const positives = examples.filter((example) => example.label === 1).length;
  return positives > 0 && positives < examples.length;
}

function finiteMetrics(metrics: object, prefix = ''): Record<string, number> {
  return Object.fromEntries(
    Object.entries(metrics)
      .filter((entry): entry is [string, number] => Number.isFinite(entry[1]))
      .map(([name, value]) => [`${prefix}${name}`, value]),
  );
}

export class TrainingCycle {
  private readonly now: () => number;

  constructor(private readonly deps: TrainingCycleDeps) {
    this.now = deps.now ?? Date.now;
  }

  async run(window: readonly TrainingExample[]): Promise<CycleResult> {
    const { settings } = this.deps;
    if (window.length < settings.minExamples) {
      return { status: 'skipped', reason: `${window.length} < ${settings.minExamples} examples` };
    }
    const { train, holdout } = splitByTime(window, settings.holdoutFraction);
    if (!hasBothClasses(train) || !hasBothClasses(holdout)) {
      return { status: 'skipped', reason: 'training or held-out period lacks a class' };
    }
    const champion = await this.loadChampion(window[0]!.featureSpecVersion);
    try {
      return await this.trainAndJudge({ train, holdout, champion });
    } finally {
      champion?.ranker.dispose();
    }
  }

  private async trainAndJudge(input: {
    train: TrainingExample[];
    holdout: TrainingExample[];
    champion: { version: string; ranker: SequenceRanker } | undefined;
  }): Promise<CycleResult> {
    const { train, holdout, champion } = input;
    const selection = await this.chooseEncoder(train);
    const settings = { ...this.deps.settings, encoder: selection.encoder };
    const challenger = newRanker({ train, champion: champion?.ranker, settings });
    try {
      const summary = await challenger.fit(train.map(toLabelled), {
        epochs: this.deps.settings.epochs,
        batchSize: this.deps.settings.batchSize,
        onProgress: (progress) => this.deps.log(progressLine(progress)),
      });
      const held = holdout.map(toLabelled);
      const scores = {
        challenger: heldOutMetrics(holdout, await challenger.predict(held)),
        champion: champion && heldOutMetrics(holdout, await champion.ranker.predict(held)),
        baseline: heldOutMetrics(holdout, popularityScores(holdout)),
      };
      const decision = decidePromotion({
        challenger: scores.challenger,
        champion: scores.champion,
        baselineAuc: scores.baseline.auc,
        margin: this.deps.settings.promotionMargin,
      });
      const version = await this.store(challenger, { train, scores, decision, parent: champion });
      return {
        status: decision.promote ? 'promoted' : 'rejected',
        version,
        decision,
        ...scores,
        champion: scores.champion,
        selection: selection.scores,
        trainingExamplesPerSecond: summary.examplesPerSecond,
      };
    } finally {
      challenger.dispose();
    }
  }

  /** The configured encoder, or the best of the candidates by time-blocked cross-validation. */
  private async chooseEncoder(
    train: readonly TrainingExample[],
  ): Promise<{ encoder: TrainingSettings['encoder']; scores: EncoderScore[] }> {
    const { candidateEncoders, selectionFolds } = this.deps.settings;
    if (candidateEncoders.length < 2) return { encoder: this.deps.settings.encoder, scores: [] };
    const selection = await selectEncoder(train, {
      ...this.deps.settings,
      candidateEncoders,
      folds: selectionFolds,
    });
    const figures = selection.scores.map((score) => `${score.encoder} ${score.auc.toFixed(4)}`);
    this.deps.log(
      `encoder selection (validation AUC): ${figures.join(', ')} → ${selection.encoder}`,
    );
    return selection;
  }

  /** The champion, when its feature spec matches the window's (else it cannot score these vectors). */
  private async loadChampion(
    featureSpecVersion: number,
  ): Promise<{ version: string; ranker: SequenceRanker } | undefined> {
    const version = await this.deps.registry.champion();
    if (version === undefined) return undefined;
    try {
      const ranker = await SequenceRanker.load(this.deps.registry, version);
      if (ranker.metadata?.featureSpecVersion === featureSpecVersion) return { version, ranker };
      ranker.dispose();
    } catch (error) {
      this.deps.log(`champion ${version} could not be loaded: ${String(error)}`);
    }
    return undefined;
  }

  private async store(
    challenger: SequenceRanker,
    facts: {
      train: TrainingExample[];
      scores: { challenger: HeldOutMetrics; champion?: HeldOutMetrics; baseline: HeldOutMetrics };
      decision: PromotionDecision;
      parent: { version: string } | undefined;
    },
  ): Promise<string> {
    const { registry } = this.deps;
    const createdAt = new Date(this.now()).toISOString();
    const version = versionName(registry.modelName, this.now());
    const metrics = {
      ...finiteMetrics(facts.scores.challenger),
      ...finiteMetrics(facts.scores.baseline, 'baseline.'),
      ...(facts.scores.champion ? finiteMetrics(facts.scores.champion, 'champion.') : {}),
    };
    const trainingWindow = {
      fromMs: Date.parse(facts.train[0]!.occurredAt),
      toMs: Date.parse(facts.train[facts.train.length - 1]!.occurredAt),
      examples: facts.train.length,
    };
    const featureSpecVersion = facts.train[0]!.featureSpecVersion;
    const stamped = challenger.withMetadata({
      modelName: registry.modelName,
      version,
      featureSpecVersion,
      trainingWindow,
      metrics,
      createdAt,
      ...(facts.parent ? { parentVersion: facts.parent.version } : {}),
    });
    await stamped.save(registry, version);
    const record: ModelVersionRecord = {
      version,
      kind: 'sequence_ranker',
      createdAt,
      featureSpecVersion,
      metrics,
      status: facts.decision.promote ? 'candidate' : 'rejected',
      trainingWindow,
      note: facts.decision.note,
      ...(facts.parent ? { parentVersion: facts.parent.version } : {}),
    };
    await registry.register(record);
    if (facts.decision.promote) await this.promote(record, facts.decision.reason);
    await registry.pruneArtifacts(this.deps.settings.keepVersions);
    return version;
  }

  private async promote(
    record: ModelVersionRecord,
    reason: 'first_model' | 'beat_champion',
  ): Promise<void> {
    const promotion = await this.deps.registry.promote(record.version, reason, this.now());
    await this.deps.publish(modelPublishedEventOf(this.deps.registry.modelName, record, promotion));
  }
}

/** `<model>-<yyyymmddThhmmss>-<4 random hex>`: sortable and unique across trainer restarts. */
function versionName(modelName: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const suffix = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${modelName}-${stamp}-${suffix}`;
}

function progressLine(progress: TrainingProgress): string {
  const validation =
    progress.validationLoss === undefined ? '' : ` val_loss=${progress.validationLoss.toFixed(4)}`;
  return (
    `epoch ${progress.epoch}/${progress.epochs} loss=${progress.loss.toFixed(4)}${validation} ` +
    `${Math.round(progress.examplesPerSecond)} examples/s`
  );
}
