/** `GET /docs/openapi.json`: the OpenAPI document, built once from the contracts and this configuration. */
import { Controller, Get, Inject } from '@nestjs/common';
import { APP_CONFIG } from '@recsys/platform';
import type { CollectorConfig } from '../config';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';

@Controller('docs')
export class DocsController {
  private readonly document: OpenApiDocument;

  constructor(@Inject(APP_CONFIG) config: CollectorConfig) {
    this.document = buildOpenApiDocument(config);
  }

  @Get('openapi.json')
  openApi(): OpenApiDocument {
    return this.document;
  }
}
