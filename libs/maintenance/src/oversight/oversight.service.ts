import { Injectable } from '@nestjs/common';
import { type Principal } from '@liftwatch/access';
import { daysBetween } from '@liftwatch/calendar';
import { ForbiddenError, InvalidInputError } from '@liftwatch/contract';
import { regionScopePrefix } from '@liftwatch/registry';
import { MaintenanceRepository } from '../maintenance.repository';
import { PlanService } from '../plan/plan.service';
import {
  type ElevatorRef,
  type FirmCount,
  type OverdueInspection,
  type OverdueMaintenance,
  type OverdueReport,
} from './oversight.dto';

/**
 * The regulator's view: elevators in its region and below whose inspection or maintenance is
 * overdue, with counts per maintenance firm. Elevators without any maintenance contract are listed
 * too — having none is itself a breach.
 */
@Injectable()
export class OversightService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly plans: PlanService,
  ) {}

  async overdue(p: Principal, regionCode?: string): Promise<OverdueReport> {
    const region = this.regionFor(p, regionCode);
    const today = this.repo.today();
    const ids = await this.repo.elevatorIdsInRegion(region ?? '000000', region === null);
    const elevators = await this.repo.elevators(ids);
    const plans = new Map((await this.plans.plans(ids)).map((pl) => [pl.elevatorId, pl]));
    const inspections = await this.repo.inspectionStatuses(elevators, today);
    const contracts = await this.repo.activeContracts(ids, today);

    const inspectionRows: OverdueInspection[] = [];
    const maintenanceRows: OverdueMaintenance[] = [];
    const firms = new Map<string, FirmCount>();
    const firmCount = (id: string | null, name: string | null): FirmCount => {
      const key = id ?? '';
      let f = firms.get(key);
      if (!f) {
        f = {
          firmId: id,
          firmName: name ?? '(no contract)',
          elevators: 0,
          overdueMaintenance: 0,
          overdueInspections: 0,
        };
        firms.set(key, f);
      }
      return f;
    };
    for (const e of elevators) {
      const c = contracts.get(e.id);
      const ref: ElevatorRef = {
        elevatorId: e.id,
        registrationCode: e.registration_code,
        regionCode: e.region_code,
        community: e.community,
        building: e.building_name,
        unit: e.unit_name,
        address: e.address,
        firmId: c?.firm_id ?? null,
        firmName: c?.firm_name ?? null,
      };
      const f = firmCount(ref.firmId, ref.firmName);
      f.elevators += 1;
      const insp = inspections.get(e.id);
      if (insp && (insp.state === 'overdue' || insp.state === 'failed')) {
        inspectionRows.push({
          ...ref,
          state: insp.state,
          kind: insp.next?.kind ?? null,
          dueMonth: insp.next?.dueMonth ?? null,
          lastPassingOn: insp.lastPassing?.inspectedOn ?? null,
        });
        f.overdueInspections += 1;
      }
      const plan = plans.get(e.id);
      if (!c) {
        maintenanceRows.push({
          ...ref,
          reason: 'no_contract',
          overdueLevels: [],
          oldestDueOn: null,
          daysOverdue: null,
        });
        f.overdueMaintenance += 1;
      } else if (plan && plan.overdueLevels.length > 0) {
        const oldest = plan.levels
          .filter((l) => l.status === 'overdue')
          .map((l) => l.dueOn)
          .reduce((a, b) => (a <= b ? a : b));
        maintenanceRows.push({
          ...ref,
          reason: 'overdue',
          overdueLevels: plan.overdueLevels,
          oldestDueOn: oldest,
          daysOverdue: daysBetween(oldest, today),
        });
        f.overdueMaintenance += 1;
      }
    }
    maintenanceRows.sort((a, b) => (b.daysOverdue ?? Infinity) - (a.daysOverdue ?? Infinity));
    inspectionRows.sort((a, b) => (a.dueMonth ?? '').localeCompare(b.dueMonth ?? ''));
    return {
      regionCode: region,
      asOf: today,
      elevators: elevators.length,
      inspections: inspectionRows,
      maintenance: maintenanceRows,
      perFirm: [...firms.values()].sort(
        (a, b) => b.overdueMaintenance + b.overdueInspections - (a.overdueMaintenance + a.overdueInspections),
      ),
    };
  }

  /** The region to report on: the regulator's own or one below it; any (or all) for admins. */
  private regionFor(p: Principal, requested?: string): string | null {
    if (p.role === 'admin') return requested ?? null;
    if (p.role !== 'regulator' || !p.regionCode) {
      throw new ForbiddenError('REGULATORS_ONLY', 'the oversight view is for regulators');
    }
    if (!requested) return p.regionCode;
    if (!requested.startsWith(regionScopePrefix(p.regionCode))) {
      throw InvalidInputError.field('regionCode', `regionCode must lie within your region ${p.regionCode}`);
    }
    return requested;
  }
}
