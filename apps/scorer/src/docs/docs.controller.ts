/** `GET /docs/openapi.json`: the scorer's OpenAPI document, built once. Public, like health. */
import { Controller, Get } from '@nestjs/common';
import type { OpenApiDocument } from '@recsys/contracts';
import { buildScorerOpenApiDocument } from './openapi';

@Controller('docs')
export class DocsController {
  private readonly document: OpenApiDocument = buildScorerOpenApiDocument();

  @Get('openapi.json')
  openApi(): OpenApiDocument {
    return this.document;
  }
}
