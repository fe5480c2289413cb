import { Injectable } from '@nestjs/common';
import { type Principal } from '@liftwatch/access';
import { Clock } from '@liftwatch/calendar';
import { VisibilityRepository } from '@liftwatch/registry';
import { FLEET_STATUSES, type FleetStatus, LiveState, TelemetryReadRepository } from '@liftwatch/telemetry';
import { type FleetItem, type FleetPage, type FleetQueryDto, type FleetStatusCounts } from './fleet.dto';
import { FleetRepository } from './fleet.repository';
import { fleetStatus } from './fleet-status';
import { FleetStatusService } from './fleet-status.service';

/** The fleet picture a dispatcher or regulator works from: every visible elevator, its place and status. */
@Injectable()
export class FleetService {
  constructor(
    private readonly repo: FleetRepository,
    private readonly read: TelemetryReadRepository,
    private readonly statuses: FleetStatusService,
    private readonly visibility: VisibilityRepository,
    private readonly clock: Clock,
  ) {}

  /** One elevator's status, derived as in the fleet (for pages that show one car: public, owners). */
  async statusOf(elevatorId: string): Promise<FleetStatus> {
    const [row] = await this.read.liveStates([elevatorId]);
    return fleetStatus(row ? LiveState.of(row) : null, this.statuses.summary(elevatorId));
  }

  async list(p: Principal, q: FleetQueryDto): Promise<FleetPage> {
    const rows = await this.repo.elevators(this.visibility.elevators(p), q, this.clock.today());
    const states = new Map(
      (await this.read.liveStates(rows.map((r) => r.elevator_id))).map((s) => [s.elevator_id, s]),
    );
    const all: FleetItem[] = rows.map((r) => {
      const row = states.get(r.elevator_id);
      const summary = this.statuses.summary(r.elevator_id);
      const live = row ? LiveState.of(row) : null;
      const status = fleetStatus(live, summary);
      return {
        elevatorId: r.elevator_id,
        registrationCode: r.registration_code,
        rescueCode: r.rescue_code,
        model: r.model,
        unitId: r.unit_id,
        unitName: r.unit_name,
        floorCount: r.floor_count,
        buildingId: r.building_id,
        buildingName: r.building_name,
        community: r.community,
        address: r.address,
        regionCode: r.region_code,
        regionName: r.region_name,
        firmName: r.firm_name,
        status,
        openAlarms: this.statuses.openCount(r.elevator_id),
        live: live ? { ...live, status } : null,
      };
    });
    const counts = Object.fromEntries(FLEET_STATUSES.map((s) => [s, 0])) as unknown as FleetStatusCounts;
    for (const i of all) counts[i.status]++;
    // Most urgent first, then by place.
    const rank = (s: string): number => FLEET_STATUSES.indexOf(s as (typeof FLEET_STATUSES)[number]);
    const filtered = (q.status ? all.filter((i) => i.status === q.status) : all).sort(
      (a, b) => rank(a.status) - rank(b.status),
    );
    return {
      items: filtered.slice(q.offset, q.offset + q.limit),
      total: filtered.length,
      limit: q.limit,
      offset: q.offset,
      counts,
    };
  }
}
