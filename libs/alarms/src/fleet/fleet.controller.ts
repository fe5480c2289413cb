import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@liftwatch/access';
import { FleetPage, FleetQueryDto } from './fleet.dto';
import { FleetService } from './fleet.service';

@ApiTags('fleet')
@ApiBearerAuth()
@Controller('fleet')
export class FleetController {
  constructor(private readonly fleet: FleetService) {}

  /**
   * Every elevator the caller sees, most urgent first, with its place, live state and status
   * (trapped, offline, fault, inspection, out of service, running, idle), counts per status, and
   * filters by region, building, status and code. Live changes follow on socket.io `/live`.
   */
  @Get()
  @ApiOkResponse({ type: FleetPage })
  list(@CurrentPrincipal() p: Principal, @Query() q: FleetQueryDto): Promise<FleetPage> {
    return this.fleet.list(p, q);
  }
}
