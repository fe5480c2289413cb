import { Controller, Get, Injectable } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, SYSTEM_PRINCIPAL } from '@liftwatch/access';
import { FleetService } from '@liftwatch/alarms';
import { NotFoundError, UuidParam } from '@liftwatch/contract';
import { InspectionsService, PlanService } from '@liftwatch/maintenance';
import { VisibilityRepository } from '@liftwatch/registry';
import { FLEET_STATUSES, type FleetStatus } from '@liftwatch/telemetry';

/**
 * Is the car in normal service, in one status derived once (the fleet's, from the car's data and
 * its open alarms) — with what the owners must act on beside it: maintenance overdue, the periodic
 * inspection overdue or failed. The public page, the owners' home and the elevator page show this.
 */
export class ServiceStatusView {
  @ApiProperty({ format: 'uuid' }) elevatorId!: string;
  @ApiProperty({
    enum: FLEET_STATUSES,
    description: 'trapped, offline, fault, inspection, out_of_service, running, idle (most urgent first)',
  })
  status!: FleetStatus;
  @ApiProperty({ description: 'running or idle: carrying passengers normally' }) inNormalService!: boolean;
  @ApiProperty({ description: 'a maintenance visit of some level is past its due day' })
  maintenanceOverdue!: boolean;
  @ApiProperty({ type: [String], description: 'levels overdue (half_month, quarterly, half_year, annual)' })
  overdueLevels!: string[];
  @ApiProperty({ enum: ['ok', 'due', 'overdue', 'failed', 'unknown'] })
  inspection!: 'ok' | 'due' | 'overdue' | 'failed' | 'unknown';
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the month (YYYY-MM) the next inspection is due by',
  })
  inspectionDueMonth!: string | null;
}

@Injectable()
export class ServiceStatusService {
  constructor(
    private readonly fleet: FleetService,
    private readonly plans: PlanService,
    private readonly inspections: InspectionsService,
  ) {}

  /** Not scoped: callers check visibility (the public page shows every car's status by its code). */
  async of(elevatorId: string): Promise<ServiceStatusView> {
    const [status, [plan], inspection] = await Promise.all([
      this.fleet.statusOf(elevatorId),
      this.plans.plans([elevatorId]),
      this.inspections.status(SYSTEM_PRINCIPAL, elevatorId, 1),
    ]);
    return {
      elevatorId,
      status,
      inNormalService: status === 'running' || status === 'idle',
      maintenanceOverdue: (plan?.overdueLevels.length ?? 0) > 0,
      overdueLevels: [...(plan?.overdueLevels ?? [])],
      inspection: inspection.state,
      inspectionDueMonth: inspection.next?.dueMonth ?? null,
    };
  }
}

@ApiTags('elevators')
@ApiBearerAuth()
@Controller('elevators')
export class ServiceStatusController {
  constructor(
    private readonly status: ServiceStatusService,
    private readonly visibility: VisibilityRepository,
  ) {}

  /** Is the car in normal service, and is anything overdue — one answer for every screen. */
  @Get(':id/service-status')
  @ApiOkResponse({ type: ServiceStatusView })
  async get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<ServiceStatusView> {
    if (!(await this.visibility.canSeeElevator(p, id))) throw new NotFoundError('Elevator', id);
    return this.status.of(id);
  }
}
