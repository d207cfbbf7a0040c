/** HTTP ingestion: `POST /v1/events` (one event or a batch). Thin: parse the body shape, run the use case. */
import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG } from '@recsys/platform';
import type { CollectorConfig } from '../config';
import { IngestEventsUseCase, type IngestResult } from './ingest-events.usecase';
import { eventsOfRequestBody } from './request-body';

export interface IngestResponse extends IngestResult {
  error?: { code: 'EVENT_INVALID'; message: string; retriable: false };
}

@Controller('v1/events')
export class IngestController {
  constructor(
    private readonly ingest: IngestEventsUseCase,
    @Inject(APP_CONFIG) private readonly config: CollectorConfig,
  ) {}

  /** 202 when at least one event was accepted (rejected ones are listed); 400 when none was. */
  @Post()
  @HttpCode(202)
  async post(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestResponse> {
    const events = eventsOfRequestBody(body, this.config.limits.maxBatchEvents);
    const result = await this.ingest.execute(events);
    if (result.accepted > 0) return result;
    void reply.status(400);
    return {
      ...result,
      error: {
        code: 'EVENT_INVALID',
        message: 'no event in the request was valid',
        retriable: false,
      },
    };
  }
}
