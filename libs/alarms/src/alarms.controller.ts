import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { Clock } from '@liftwatch/calendar';
import { CurrentPrincipal, type Principal } from '@liftwatch/access';
import {
  InvalidInputError,
  type Page,
  pageOf,
  PageOf,
  PageQueryDto,
  resolveTimeRange,
  TimeRangeQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import { ALARM_ACTIONS, ALARM_STATUSES, type AlarmAction } from './alarm-lifecycle';
import { AlarmDetail, AlarmView } from './alarm-view';
import { AlarmsService, type FaultRateRow, type RescuePerformance } from './alarms.service';
import { FaultRateView, RescuePerformanceView } from './alarm-reports.dto';

class AlarmQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['closed', ...ALARM_STATUSES],
    description:
      'a status; or `open` for every status not yet closed, `closed` for resolved and false alarms',
  })
  @IsOptional()
  @IsIn(['closed', ...ALARM_STATUSES])
  status?: 'open' | 'closed' | (typeof ALARM_STATUSES)[number];

  @ApiPropertyOptional({ example: 'entrapment' })
  @IsOptional()
  @Matches(/^[a-z0-9_A-Z]{1,40}$/, { message: 'type must be an alarm type' })
  type?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;

  @ApiPropertyOptional({ description: 'opened at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'opened before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;
}

class AlarmTypeCount {
  @ApiProperty({ example: 'entrapment' }) type!: string;
  @ApiProperty() nameZh!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty() count!: number;
}

class AlarmActionDto {
  @ApiPropertyOptional({ example: '维保人员已出发，预计 15 分钟到达' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  note?: string;
}

class CheckInDto {
  @ApiPropertyOptional({
    example: '31104401062021060001',
    description: 'the registration code scanned from the car’s QR code; must be this alarm’s elevator',
  })
  @IsOptional()
  @Matches(/^[0-9A-Za-z]{20}$/, { message: 'registrationCode must be 20 letters or digits' })
  registrationCode?: string;

  @ApiPropertyOptional({ example: '已到达现场，正在盘车放人' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  note?: string;
}

class ArrivalDto {
  @ApiProperty({ example: '2026-11-25T09:41:00+08:00', description: 'when the technician really arrived' })
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 date-time' })
  at!: string;

  @ApiProperty({ example: '现场无网络，到达后 20 分钟才补录' })
  @IsString()
  @Length(5, 500)
  reason!: string;
}

/** Fault rates: `from` defaults to 365 days before `to`. */
class FaultRateQueryDto extends TimeRangeQueryDto {}

@ApiTags('alarms')
@ApiBearerAuth()
@Controller()
export class AlarmsController {
  constructor(
    private readonly alarms: AlarmsService,
    private readonly clock: Clock,
  ) {}

  /** Alarms of the elevators the caller sees; open ones first, critical first. */
  @Get('alarms')
  @ApiOkResponse({ type: PageOf(AlarmView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: AlarmQueryDto): Promise<Page<AlarmView>> {
    const [items, total] = await this.alarms.list(p, q);
    return pageOf(items, total, q);
  }

  /** How many alarms of each type, over the same filters as the list (status, elevator, period). */
  @Get('alarms/counts')
  @ApiOkResponse({ type: [AlarmTypeCount] })
  counts(@CurrentPrincipal() p: Principal, @Query() q: AlarmQueryDto): Promise<AlarmTypeCount[]> {
    return this.alarms.countsByType(p, q);
  }

  @Get('alarms/:id')
  @ApiOkResponse({ type: AlarmDetail })
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<AlarmDetail> {
    return this.alarms.get(p, id);
  }

  /**
   * The technician checks in at the car: arrival evidence at the platform's time of the request
   * (the phone flow calls this after scanning the car's code); the alarm goes on site.
   */
  @Post('alarms/:id/check-in')
  @HttpCode(200)
  @ApiOkResponse({ type: AlarmDetail })
  checkIn(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CheckInDto,
  ): Promise<AlarmDetail> {
    return this.alarms.checkIn(p, id, dto);
  }

  /** A back-dated arrival with its reason (audited), when nobody could check in at the time. */
  @Post('alarms/:id/arrival')
  @HttpCode(200)
  @ApiOkResponse({ type: AlarmDetail })
  recordArrival(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: ArrivalDto,
  ): Promise<AlarmDetail> {
    return this.alarms.recordArrival(p, id, dto);
  }

  /** acknowledge, dispatch, on-site, resolve or false-alarm (maintenance firm or admin). */
  @Post('alarms/:id/:action')
  @HttpCode(200)
  @ApiOkResponse({ type: AlarmDetail })
  act(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Param(
      'action',
      new ParseEnumPipe(Object.fromEntries(ALARM_ACTIONS.map((a) => [a, a])), {
        exceptionFactory: () =>
          InvalidInputError.field('action', `action must be one of ${ALARM_ACTIONS.join(', ')}`),
      }),
    )
    action: AlarmAction,
    @Body() dto: AlarmActionDto,
  ): Promise<AlarmDetail> {
    return this.alarms.act(p, id, action, dto.note);
  }

  /**
   * Rescue performance over the entrapments the caller sees (a regulator: its region and below):
   * share reached within the legal limit, median arrival, by maintenance firm. `from` defaults to
   * 90 days before `to`.
   */
  @Get('reports/rescue-performance')
  @ApiOkResponse({ type: RescuePerformanceView })
  rescuePerformance(
    @CurrentPrincipal() p: Principal,
    @Query() q: TimeRangeQueryDto,
  ): Promise<RescuePerformance> {
    const { from, to } = resolveTimeRange(q, this.clock.now(), 90);
    return this.alarms.rescuePerformance(p, from, to);
  }

  /** Device-reported faults per manufacturer and model (lifetime quality responsibility). */
  @Get('reports/fault-rates')
  @ApiOkResponse({ type: [FaultRateView] })
  faultRates(@CurrentPrincipal() p: Principal, @Query() q: FaultRateQueryDto): Promise<FaultRateRow[]> {
    const { from, to } = resolveTimeRange(q, this.clock.now(), 365);
    return this.alarms.faultRates(p, from, to);
  }
}
