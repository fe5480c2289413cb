import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@liftwatch/access';
import { type Page, PageOf, UuidParam } from '@liftwatch/contract';
import { LiveState } from '../live/live-state';
import { HistoryQueryDto, RangeQueryDto } from './dto/telemetry-query.dto';
import { EventView, RollupRow, SampleRow } from './dto/telemetry-view.dto';
import { TelemetryService } from './telemetry.service';

@ApiTags('telemetry')
@ApiBearerAuth()
@Controller('elevators')
export class TelemetryController {
  constructor(private readonly telemetry: TelemetryService) {}

  /** The elevator's latest known state (online flag, floor, doors, mode…). */
  @Get(':id/state')
  @ApiOkResponse({ type: LiveState })
  state(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<LiveState> {
    return this.telemetry.state(p, id);
  }

  /** Hourly or daily rollups: trips, running time, door cycles, kWh, faults. Days are business days. */
  @Get(':id/history')
  @ApiOkResponse({ type: [RollupRow] })
  history(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: HistoryQueryDto,
  ): Promise<RollupRow[]> {
    return this.telemetry.history(p, id, q);
  }

  /** Raw status samples in device time (at most 7 days per request). */
  @Get(':id/telemetry')
  @ApiOkResponse({ type: PageOf(SampleRow) })
  samples(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: RangeQueryDto,
  ): Promise<Page<SampleRow>> {
    return this.telemetry.samples(p, id, q);
  }

  /** Device-reported faults and events in device time. */
  @Get(':id/events')
  @ApiOkResponse({ type: PageOf(EventView) })
  events(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: RangeQueryDto,
  ): Promise<Page<EventView>> {
    return this.telemetry.events(p, id, q);
  }
}
