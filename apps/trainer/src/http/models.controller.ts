/**
 * The registry over HTTP: versions with their metrics, the champion and its history (read), and the
 * admin actions behind the bearer token — train now, promote a version, roll back. Manual promotions
 * and rollbacks are announced on `models.published.v1` like automatic ones, so scorers follow.
 */
import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AppError } from '@recsys/contracts';
import { modelPublishedEventOf, type PromotionRecord } from '@recsys/feature-store';
import { KafkaPublisher } from '@recsys/kafka';
import { AdminGuard } from '@recsys/platform';
import { TrainerService } from '../trainer.service';
import type { CycleResult } from '../training/training-cycle.usecase';

const VERSION_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly trainer: TrainerService,
    private readonly publisher: KafkaPublisher,
  ) {}

  @Get()
  async list(@Query('limit') limit?: string) {
    const registry = this.trainer.registry;
    const count = Math.min(Math.max(Number(limit ?? 50) || 50, 1), 500);
    return {
      modelName: registry.modelName,
      champion: (await registry.champion()) ?? null,
      versions: await registry.listVersions(count),
      history: await registry.history(count),
      window: {
        examples: this.trainer.window.size,
        newSinceTraining: this.trainer.window.newSinceTraining,
        featureSpecVersion: this.trainer.window.featureSpecVersion ?? null,
      },
      lastRun: this.trainer.lastRun ?? null,
    };
  }

  @Post('train')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  async train(): Promise<CycleResult> {
    return this.trainer.trainNow();
  }

  @Post('rollback')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  async rollback() {
    const promotion = await this.trainer.registry.rollback();
    await this.announce(promotion.version, promotion);
    return promotion;
  }

  @Post(':version/promote')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  async promote(@Param('version') version: string) {
    if (!VERSION_PATTERN.test(version)) {
      throw new AppError('REQUEST_INVALID', 'version must match [A-Za-z0-9._-]{1,128}');
    }
    const promotion = await this.trainer.registry.promote(version, 'manual_promote');
    await this.announce(version, promotion);
    return promotion;
  }

  private async announce(version: string, promotion: PromotionRecord): Promise<void> {
    const registry = this.trainer.registry;
    const record = await registry.version(version);
    if (record === undefined) throw new AppError('MODEL_VERSION_UNKNOWN', `no version ${version}`);
    const event = modelPublishedEventOf(registry.modelName, record, promotion);
    await this.publisher.publish('models.published.v1', [{ key: event.modelName, value: event }]);
  }
}
