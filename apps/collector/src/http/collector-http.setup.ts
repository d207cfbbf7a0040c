/**
 * Installs the collector's request pipeline on Fastify before the app listens: CORS first (so even a
 * refusal carries the headers a browser needs to read it), then authentication. Both run in onRequest,
 * before the body is read. Both are queued as plugins, loaded in this order when the app gets ready
 * (see registerCors for why nothing here awaits a registration).
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { registerCors } from '@recsys/platform';
import { authenticationHook, type RequestAuthenticator } from '../auth/authentication.hook';
import { WRITE_KEY_HEADER } from '../auth/write-keys';
import { CollectorMetrics } from '../metrics/collector-metrics';

export const REQUEST_AUTHENTICATOR = Symbol('REQUEST_AUTHENTICATOR');

@Injectable()
export class CollectorHttpSetup implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REQUEST_AUTHENTICATOR) private readonly authenticator: RequestAuthenticator,
    private readonly metrics: CollectorMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.decorateRequest('storefront', null);
    registerCors(fastify, {
      isOriginAllowed: (origin) => this.authenticator.isOriginAllowed(origin),
      allowedHeaders: ['content-type', WRITE_KEY_HEADER],
    });
    const hook = authenticationHook({
      authenticator: this.authenticator,
      onRefused: (code) => this.metrics.requestsRefused.inc({ code }),
    });
    void fastify.register(
      appWide(async (instance) => {
        instance.addHook('onRequest', hook);
      }),
    );
  }
}

/**
 * Marks a plugin as not encapsulated (what fastify-plugin does), so the hooks it adds apply to every
 * route of the app rather than to the plugin's own (empty) scope.
 */
function appWide(plugin: FastifyPluginAsync): FastifyPluginAsync {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
