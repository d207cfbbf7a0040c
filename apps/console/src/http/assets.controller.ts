/**
 * The page and its assets, public (the data behind them is not). A strict Content-Security-Policy: only
 * this origin's scripts, styles and API — no inline script or style, no other origin, no framing.
 */
import { Controller, Get, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { WebAssets } from './web-assets';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  // Revalidated on every load (ETag): a new build is picked up at once.
  'cache-control': 'no-cache',
};

@Controller()
export class AssetsController {
  constructor(private readonly assets: WebAssets) {}

  @Get()
  page(
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    this.send({ name: 'index.html', ifNoneMatch }, reply);
  }

  @Get('favicon.ico')
  favicon(
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    this.send({ name: 'favicon.svg', ifNoneMatch }, reply);
  }

  @Get('assets/:name')
  asset(
    @Param('name') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    this.send({ name, ifNoneMatch }, reply);
  }

  private send(
    request: { name: string; ifNoneMatch: string | undefined },
    reply: FastifyReply,
  ): void {
    const asset = this.assets.get(request.name);
    if (asset === undefined) throw new NotFoundException(`no asset ${request.name}`);
    void reply.headers({ ...SECURITY_HEADERS, etag: asset.etag });
    if (request.ifNoneMatch === asset.etag) {
      void reply.status(304).send();
      return;
    }
    void reply.type(asset.contentType).send(asset.body);
  }
}
