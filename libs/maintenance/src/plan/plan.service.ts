import { Injectable } from '@nestjs/common';
import { type Principal } from '@liftwatch/access';
import { addDays } from '@liftwatch/calendar';
import { NotFoundError } from '@liftwatch/contract';
import { type ActiveContractRow, MaintenanceRepository, STANDARD_POLICY } from '../maintenance.repository';
import { levelDues, projectVisits } from './maintenance-plan';
import { type ElevatorPlan } from './plan.dto';

/**
 * Due visits per elevator and level under the contract's (effective) interval policy, in the
 * business calendar. A suspended on-demand contract is planned under the standard policy.
 */
@Injectable()
export class PlanService {
  constructor(private readonly repo: MaintenanceRepository) {}

  async forElevator(p: Principal, elevatorId: string, horizonDays: number): Promise<ElevatorPlan> {
    if (!(await this.repo.canSeeElevator(p, elevatorId))) throw new NotFoundError('Elevator', elevatorId);
    const [plan] = await this.plans([elevatorId], horizonDays);
    if (!plan) throw new NotFoundError('Elevator', elevatorId);
    return plan;
  }

  /** Plans of every elevator the caller sees that has an active contract, soonest due first. */
  async forCaller(p: Principal, horizonDays: number, onlyOverdue: boolean): Promise<ElevatorPlan[]> {
    const ids = await this.repo.underContractOn(this.repo.today(), this.repo.visibility.elevators(p));
    const plans = await this.plans(ids, horizonDays);
    return plans
      .filter((pl) => !onlyOverdue || pl.overdueLevels.length > 0)
      .sort((a, b) => (a.nextDueOn ?? '9999').localeCompare(b.nextDueOn ?? '9999'));
  }

  /** Plans for a batch of elevators, in a fixed number of queries. */
  async plans(elevatorIds: readonly string[], horizonDays = 0): Promise<ElevatorPlan[]> {
    const today = this.repo.today();
    const elevators = await this.repo.elevators(elevatorIds);
    const contracts = await this.repo.activeContracts(elevatorIds, today);
    const visits = await this.repo.visits(elevatorIds);
    const policies = new Map((await this.repo.intervalPolicies()).map((pl) => [pl.code, pl]));
    return elevators.map((e) => {
      const c = contracts.get(e.id);
      if (!c) {
        return {
          elevatorId: e.id,
          registrationCode: e.registration_code,
          contract: null,
          policyCode: null,
          levels: [],
          overdueLevels: [],
          nextDueOn: null,
          planned: [],
        };
      }
      const policyCode = effectivePolicy(c);
      const policy = policies.get(policyCode) ?? policies.get(STANDARD_POLICY);
      if (!policy) throw new Error(`interval policy ${policyCode} missing`);
      const done = visits.get(e.id) ?? [];
      const levels = levelDues(policy.levels, c.starts_on, done, today);
      const until = addDays(today, horizonDays);
      return {
        elevatorId: e.id,
        registrationCode: e.registration_code,
        contract: {
          id: c.contract_id,
          contractNumber: c.contract_number,
          firmId: c.firm_id,
          firmName: c.firm_name,
        },
        policyCode: policy.code,
        levels,
        overdueLevels: levels.filter((l) => l.status === 'overdue').map((l) => l.level),
        nextDueOn: levels.map((l) => l.dueOn).reduce((a, b) => (a <= b ? a : b)),
        planned:
          horizonDays > 0
            ? projectVisits(policy.levels, c.starts_on, done, today, until < c.ends_on ? until : c.ends_on)
            : [],
      };
    });
  }
}

export function effectivePolicy(c: ActiveContractRow): string {
  return c.on_demand_suspended_on ? STANDARD_POLICY : c.policy_code;
}
