/**
 * The console's JSON API (`/api/v1`, schemas in libs/contracts console-api.v1): every route needs the
 * admin bearer token — the user lookup shows personal data, and the rest describes the business — and
 * nothing is cached by browsers or proxies.
 */
import { Controller, Get, Header, Param, Query, UseGuards } from '@nestjs/common';
import {
  liveQueryV1Schema,
  userLookupIdV1Schema,
  userLookupQueryV1Schema,
  type ExperimentsV1,
  type LiveV1,
  type ModelsV1,
  type UserLookupV1,
} from '@recsys/contracts';
import { AdminGuard, parseRequest } from '@recsys/platform';
import { ExperimentsUseCase } from '../experiments/experiments.usecase';
import { LiveUseCase } from '../live/live.usecase';
import { ModelsUseCase } from '../models/models.usecase';
import { UserLookupUseCase } from '../users/user-lookup.usecase';

@Controller('api/v1')
@UseGuards(AdminGuard)
export class ApiController {
  constructor(
    private readonly live: LiveUseCase,
    private readonly models: ModelsUseCase,
    private readonly experiments: ExperimentsUseCase,
    private readonly users: UserLookupUseCase,
  ) {}

  @Get('live')
  @Header('cache-control', 'no-store')
  async liveView(@Query() query: Record<string, unknown>): Promise<LiveV1> {
    const { step } = parseRequest(liveQueryV1Schema, query, 'query');
    return this.live.execute({ stepSeconds: step });
  }

  @Get('models')
  @Header('cache-control', 'no-store')
  async modelsView(): Promise<ModelsV1> {
    return this.models.execute();
  }

  @Get('experiments')
  @Header('cache-control', 'no-store')
  async experimentsView(): Promise<ExperimentsV1> {
    return this.experiments.execute();
  }

  @Get('users/:id')
  @Header('cache-control', 'no-store')
  async userView(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<UserLookupV1> {
    const { kind, k } = parseRequest(userLookupQueryV1Schema, query, 'query');
    return this.users.execute({ id: parseRequest(userLookupIdV1Schema, id, 'user id'), kind, k });
  }
}
