/**
 * What the trainer holds of an erased user (admin bearer token): `GET /v1/privacy/erasures/{requestId}`
 * says whether this process applied an announced erasure, how many examples it purged and how many of
 * the user's erased history remain (0); `GET /v1/privacy/subjects/{subject}` counts a subject's
 * examples in the window. Both name users only by erasure subject.
 */
import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { AppError, erasureRequestIdSchema, erasureSubjectSchema } from '@recsys/contracts';
import { AdminGuard, parseRequest } from '@recsys/platform';
import { WindowErasures } from './window-erasures.service';

@Controller('v1/privacy')
@UseGuards(AdminGuard)
export class PrivacyController {
  constructor(private readonly erasures: WindowErasures) {}

  @Get('erasures/:requestId')
  erasure(@Param('requestId') requestId: string) {
    const id = parseRequest(erasureRequestIdSchema, requestId, 'erasure request id');
    const record = this.erasures.erasure(id);
    if (record === undefined) {
      throw new AppError('ERASURE_UNKNOWN', `erasure ${id} was not announced to this trainer`, {
        details: { requestId: id },
      });
    }
    return record;
  }

  @Get('subjects/:subject')
  subject(@Param('subject') subject: string) {
    return this.erasures.subject(parseRequest(erasureSubjectSchema, subject, 'erasure subject'));
  }
}
