import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Clock } from '@liftwatch/calendar';
import { CurrentPrincipal, type Principal, ReadsOne } from '@liftwatch/access';
import {
  InvalidInputError,
  type Page,
  pageArray,
  pageOf,
  PageOf,
  PageQueryDto,
  resolveTimeRange,
  TimeRangeQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import { ALARM_ACTIONS, type AlarmAction } from './alarm-lifecycle';
import { AlarmDetail, AlarmView } from './alarm-view';
import { TechnicianCandidate } from './work-orders/work-order.dto';
import { AlarmsService, type FaultRateRow, type RescuePerformance } from './alarms.service';
import { FaultRateView, RescuePerformanceView } from './alarm-reports.dto';
import {
  AlarmActionDto,
  AlarmQueryDto,
  AlarmTypeCount,
  ArrivalDto,
  CheckInDto,
  RecordCallDto,
  FaultRateQueryDto,
} from './alarm.dto';

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

  /**
   * A call the dispatcher took (有人被困 on the phone): recorded with the time of the call, it opens
   * the car's entrapment with the rescue clock running from then, or joins the one open.
   */
  @Post('alarms/calls')
  @ApiOkResponse({ type: AlarmDetail })
  recordCall(@CurrentPrincipal() p: Principal, @Body() dto: RecordCallDto): Promise<AlarmDetail> {
    return this.alarms.recordCall(p, { ...dto, kind: dto.kind ?? 'trapped' });
  }

  /** The firm's technicians to dispatch, the suggested one first (fewest open jobs, nearest check-in). */
  @Get('alarms/:id/technicians')
  @ApiOkResponse({ type: PageOf(TechnicianCandidate) })
  async technicians(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<TechnicianCandidate>> {
    return pageArray(await this.alarms.technicians(p, id), q);
  }

  @ReadsOne<AlarmsController>((c, p, id) => c.alarms.get(p, id))
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
    return this.alarms.act(p, id, action, dto);
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
