import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type Request } from 'express';
import { Public } from '@liftwatch/access';
import { PassengerReportDto, PublicElevatorView, RegistrationCodeParam, ReportReceived } from './public.dto';
import { PublicService } from './public.service';

/** The page behind the QR code in every car: readable and reportable without an account. */
@ApiTags('public')
@Public()
@Controller('public/elevators')
export class PublicController {
  constructor(private readonly pages: PublicService) {}

  @Get(':registrationCode')
  @ApiOkResponse({ type: PublicElevatorView })
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
