/** HTTP catalogue upserts: `POST /v1/items` (one item or a batch). Thin: parse, admit, ingest. */
import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '@recsys/platform';
import type { CollectorConfig } from '../config';
import { IngestQuota } from '../rate-limit/ingest-quota';
import { IngestItemsUseCase } from './ingest-items.usecase';
import { admitRequest, batchResponse } from './ingest-http';
import type { ErrorResponseBody, IngestResult } from './ingest-response';
import { itemsOfRequestBody } from './request-body';

@Controller('v1/items')
export class ItemsController {
  constructor(
    private readonly ingest: IngestItemsUseCase,
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
    const items = itemsOfRequestBody(body, this.config.limits.maxBatchItems);
    await admitRequest({ quota: this.quota, request, reply, units: items.length });
    const result = await this.ingest.execute(items);
    return batchResponse(result, { reply, code: 'ITEM_INVALID', noun: 'item' });
  }
}
