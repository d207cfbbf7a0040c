/**
 * Guards the admin endpoints (model promotion and rollback, experiments): `Authorization: Bearer <token>`
 * compared in constant time with the configured ADMIN_TOKEN. Without a configured token every admin call
 * is refused, so an unconfigured deployment never exposes them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppError } from '@recsys/contracts';

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(ADMIN_TOKEN) token: string | undefined) {
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) {
      throw new AppError(
        'ADMIN_DISABLED',
        'admin endpoints are disabled: ADMIN_TOKEN is not configured',
      );
    }
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    const header = request.headers['authorization'];
    const presented = typeof header === 'string' ? /^Bearer (.+)$/.exec(header)?.[1] : undefined;
    if (presented === undefined || !timingSafeEqual(digest(presented), this.expected)) {
      throw new AppError('UNAUTHORIZED', 'a valid admin bearer token is required');
    }
    return true;
  }
}
