import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@liftwatch/access';
import { UuidParam } from '@liftwatch/contract';
import { AvailabilityQueryDto, AvailabilityView } from './availability.dto';
import { AvailabilityService } from './availability.service';

@ApiTags('fleet')
@ApiBearerAuth()
@Controller('elevators')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  /**
   * Share of the month's known time the elevator was in service (no entrapment, overspeed, mains
   * power loss or device fault open), what took it out of service, and whether it is in service now.
   */
  @Get(':id/availability')
  @ApiOkResponse({ type: AvailabilityView })
  get(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: AvailabilityQueryDto,
  ): Promise<AvailabilityView> {
    return this.availability.month(p, id, q.month);
  }
}
