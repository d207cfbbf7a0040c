/**
 * A/B experiments over HTTP: definitions (admin writes), and the report — per-arm impressions, CTR and
 * conversion with intervals, uplift against control with its interval and p-value — with the decision
 * the guardrails allow; `conclude` applies it (see ExperimentConclusion).
 */
import { Body, Controller, Get, HttpCode, Param, Post, Put, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppError } from '@recsys/contracts';
import { experimentIdSchema, experimentSchema, type Experiment } from '@recsys/experiments';
import { ExperimentStore } from '@recsys/feature-store';
import { AdminGuard, parseRequest } from '@recsys/platform';
import { ExperimentConclusion } from '../experiments/experiment-conclusion.service';
import { ExperimentsCache } from '../experiments/experiments.cache';

@Controller('v1/experiments')
export class ExperimentsController {
  constructor(
    private readonly store: ExperimentStore,
    private readonly cache: ExperimentsCache,
    private readonly conclusion: ExperimentConclusion,
  ) {}

  @Get()
  async list(): Promise<{ experiments: Experiment[] }> {
    return { experiments: await this.store.list() };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Experiment> {
    return this.experiment(id);
  }

  /** 201 with Location when the id was new, 200 when an existing definition was replaced. */
  @Put(':id')
  @UseGuards(AdminGuard)
  async put(
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const experiment = parseRequest(experimentSchema, body, 'experiment');
    if (experiment.id !== parseRequest(experimentIdSchema, id, 'experiment id')) {
      throw new AppError('REQUEST_INVALID', 'the body id must equal the path id');
    }
    const status = await this.store.save(experiment);
    await this.cache.refresh();
    if (status === 'created')
      void reply.status(201).header('Location', `/v1/experiments/${encodeURIComponent(id)}`);
    return { status, experiment };
  }

  @Get(':id/report')
  async report(@Param('id') id: string) {
    const experiment = await this.experiment(id);
    return { experiment, ...(await this.conclusion.report(experiment)) };
  }

  /** Applies the guardrails' decision: promotes the winning arm, or keeps everything (`keep`). */
  @Post(':id/conclude')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  async conclude(@Param('id') id: string) {
    return this.conclusion.conclude(await this.experiment(id));
  }

  private async experiment(id: string): Promise<Experiment> {
    const found = await this.store.get(parseRequest(experimentIdSchema, id, 'experiment id'));
    if (found === undefined) throw new AppError('EXPERIMENT_UNKNOWN', `no experiment ${id}`);
    return found;
  }
}
