/**
 * `POST /v1/privacy/erasures` erases one shopper and answers with the receipt; `GET
 * /v1/privacy/erasures/{requestId}` returns a stored receipt. Both need the admin bearer token.
 */
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  AppError,
  erasureRequestIdSchema,
  erasureRequestV1Schema,
  type ErasureReceiptV1,
} from '@recsys/contracts';
import { ErasureReceiptStore } from '@recsys/feature-store';
import { AdminGuard, parseRequest } from '@recsys/platform';
import { EraseUserUseCase } from './erase-user.usecase';

@Controller('v1/privacy/erasures')
@UseGuards(AdminGuard)
export class ErasuresController {
  constructor(
    private readonly eraseUser: EraseUserUseCase,
    private readonly receipts: ErasureReceiptStore,
  ) {}

  @Post()
  @HttpCode(200)
  async erase(@Body() body: unknown): Promise<ErasureReceiptV1> {
    return this.eraseUser.execute(parseRequest(erasureRequestV1Schema, body, 'erasure request'));
  }

  @Get(':requestId')
  async receipt(@Param('requestId') requestId: string): Promise<ErasureReceiptV1> {
    const id = parseRequest(erasureRequestIdSchema, requestId, 'erasure request id');
    const receipt = await this.receipts.get(id);
    if (receipt === undefined)
      throw new AppError('ERASURE_UNKNOWN', `no erasure receipt ${id}`, {
        details: { requestId: id },
      });
    return receipt;
  }
}
