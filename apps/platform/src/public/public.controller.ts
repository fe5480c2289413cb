import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type Request, type Response } from 'express';
import { CurrentPrincipal, type Principal, Public } from '@liftwatch/access';
import { CONTENT_TYPES, sendDownload, UuidParam } from '@liftwatch/contract';
import { PassengerReportDto, PublicElevatorView, RegistrationCodeParam, ReportReceived } from './public.dto';
import { PublicService } from './public.service';

/** The page behind the QR code in every car: readable and reportable without an account. */
@ApiTags('public')
@Public()
@Controller('public/elevators')
export class PublicController {
  constructor(private readonly pages: PublicService) {}

  @Get(':registrationCode')
  @UseGuards(ThrottlerGuard)
  @ApiOkResponse({ type: PublicElevatorView })
  @ApiTooManyRequestsResponse({
    description:
      'more than PUBLIC_PAGE_READS_PER_MINUTE reads from one address; Retry-After says when to try again',
  })
  elevator(@Param() p: RegistrationCodeParam): Promise<PublicElevatorView> {
    return this.pages.elevator(p.registrationCode);
  }

  /** A passenger reports a problem; it reaches the maintenance firm's alarm panel. Rate-limited. */
  @Post(':registrationCode/reports')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReportReceived })
  report(
    @Param() p: RegistrationCodeParam,
    @Body() dto: PassengerReportDto,
    @Req() req: Request,
  ): Promise<ReportReceived> {
    return this.pages.report(p.registrationCode, req.ip ?? 'unknown', dto);
  }
}

/** The printable sheet with the car's QR code, for whoever sees the elevator (the firm fits it). */
@ApiTags('elevators')
@ApiBearerAuth()
@Controller('elevators')
export class CodeSheetController {
  constructor(private readonly pages: PublicService) {}

  @Get(':id/code-sheet.pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async codeSheet(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { pdf, filename } = await this.pages.codeSheet(
      p,
      id,
      `${req.protocol}://${req.get('host') ?? 'localhost'}`,
    );
    sendDownload(res, { name: filename, contentType: CONTENT_TYPES.pdf, body: pdf });
  }
}
