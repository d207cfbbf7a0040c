/** HTTP ingestion: `POST /v1/events` (one event or a batch). Thin: parse the body shape, admit, ingest. */
import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '@recsys/platform';
import type { CollectorConfig } from '../config';
import { IngestQuota } from '../rate-limit/ingest-quota';
import { IngestEventsUseCase } from './ingest-events.usecase';
import { admitRequest, batchResponse } from './ingest-http';
import type { ErrorResponseBody, IngestResult } from './ingest-response';
import { eventsOfRequestBody } from './request-body';

@Controller('v1/events')
export class IngestController {
  constructor(
    private readonly ingest: IngestEventsUseCase,
    private readonly quota: IngestQuota,
    @Inject(APP_CONFIG) private readonly config: CollectorConfig,
  ) {}

  @Post()
  @HttpCode(202)
  async post(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestResult | ErrorResponseBody> {
    const events = eventsOfRequestBody(body, this.config.limits.maxBatchEvents);
    await admitRequest({ quota: this.quota, request, reply, units: events.length });
    const result = await this.ingest.execute(events);
    return batchResponse(result, { reply, code: 'EVENT_INVALID', noun: 'event' });
  }
}
