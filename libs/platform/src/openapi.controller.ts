/**
 * `GET /docs/openapi.json`: the service's OpenAPI document, built once at start from its configuration
 * (the same for every service: each provides its builder with `openApiDocumentProvider`). Public, like
 * health: it describes the API, never its data.
 */
import { Controller, Get, Inject, type Provider } from '@nestjs/common';
import type { OpenApiDocument } from '@recsys/contracts';
import { APP_CONFIG } from './tokens';

export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

@Controller('docs')
export class OpenApiController {
  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: OpenApiDocument) {}

  @Get('openapi.json')
  openApi(): OpenApiDocument {
    return this.document;
  }
}

/** The document `OpenApiController` serves, built from the service's configuration (APP_CONFIG). */
export function openApiDocumentProvider<TConfig>(
  build: (config: TConfig) => OpenApiDocument,
): Provider {
  return { provide: OPENAPI_DOCUMENT, inject: [APP_CONFIG], useFactory: build };
}
