/**
 * The registry over HTTP: versions with their metrics, the champion and its history (read), and the
 * admin actions behind the bearer token — train now, promote a version, roll back. Manual promotions
 * and rollbacks are announced on `models.published.v1` like automatic ones, so scorers follow.
 */
import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AppError } from '@recsys/contracts';
import type { PromotionRecord } from '@recsys/feature-store';
import { AdminGuard, parseRequest } from '@recsys/platform';
import { TrainerService } from '../trainer.service';
import type { CycleResult } from '../training/training-cycle.usecase';
import { modelVersionSchema, modelsQuerySchema, type ModelsList } from './models-api';

@Controller('v1/models')
export class ModelsController {
  constructor(private readonly trainer: TrainerService) {}

  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<ModelsList> {
    const registry = this.trainer.registry;
    const { limit: count } = parseRequest(modelsQuerySchema, query, 'query');
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
  async promote(@Param('version') requested: string) {
    const version = parseRequest(modelVersionSchema, requested, 'model version');
    const promotion = await this.trainer.registry.promote(version, 'manual_promote');
    await this.announce(version, promotion);
    return promotion;
  }

  private async announce(version: string, promotion: PromotionRecord): Promise<void> {
    if (!(await this.trainer.announcePromotion(promotion)))
      throw new AppError('MODEL_VERSION_UNKNOWN', `no version ${version}`);
  }
}
