import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { CurrentPrincipal, type Principal } from '@liftwatch/access';
import {
  InvalidInputError,
  type Page,
  pageOf,
  PageQueryDto,
  TimeRangeQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import { ALARM_ACTIONS, ALARM_STATUSES, type AlarmAction } from './alarm-lifecycle';
import { AlarmDetail, type AlarmView } from './alarm-view';
import { AlarmsService, type FaultRateRow } from './alarms.service';

class AlarmQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'closed', ...ALARM_STATUSES] })
  @IsOptional()
  @IsIn(['open', 'closed', ...ALARM_STATUSES])
  status?: 'open' | 'closed' | (typeof ALARM_STATUSES)[number];

  @ApiPropertyOptional({ example: 'entrapment' })
  @IsOptional()
  @Matches(/^[a-z0-9_A-Z]{1,40}$/, { message: 'type must be an alarm type' })
  type?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elevatorId?: string;
}

class AlarmActionDto {
  @ApiPropertyOptional({ example: '维保人员已出发，预计 15 分钟到达' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  note?: string;
}

/** Fault rates: `from` defaults to 365 days before `to`. */
class FaultRateQueryDto extends TimeRangeQueryDto {}

@ApiTags('alarms')
@ApiBearerAuth()
@Controller()
export class AlarmsController {
  constructor(private readonly alarms: AlarmsService) {}

  /** Alarms of the elevators the caller sees; open ones first, critical first. */
  @Get('alarms')
  async list(@CurrentPrincipal() p: Principal, @Query() q: AlarmQueryDto): Promise<Page<AlarmView>> {
    const [items, total] = await this.alarms.list(p, q);
    return pageOf(items, total, q);
  }

  @Get('alarms/:id')
  @ApiOkResponse({ type: AlarmDetail })
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<AlarmDetail> {
    return this.alarms.get(p, id);
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

  /** Device-reported faults per manufacturer and model (lifetime quality responsibility). */
  @Get('reports/fault-rates')
  faultRates(@CurrentPrincipal() p: Principal, @Query() q: FaultRateQueryDto): Promise<FaultRateRow[]> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 365 * 86_400_000);
    if (from >= to) throw InvalidInputError.field('from', 'from must be before to');
    return this.alarms.faultRates(p, from, to);
  }
}
