import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { Clock } from '@liftwatch/calendar';
import { AuditService, isFirmStaff, type Principal } from '@liftwatch/access';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { regionScopePrefix, VisibilityRepository } from '@liftwatch/registry';
import { MaintenanceRepository, STANDARD_POLICY } from '../maintenance.repository';
import {
  type ContractQueryDto,
  type ContractView,
  type CreateContractDto,
  type TerminateContractDto,
} from './contract.dto';
import { ContractRepository, type ContractRow, type ContractScope } from './contract.repository';
import { type ConditionResult, evaluateOnDemand, type OnDemandRequirements } from './on-demand-conditions';

export interface ConditionCheck {
  contractId: string;
  checkedOn: string;
  passed: boolean;
  conditions: ConditionResult[];
}

/**
 * Maintenance contracts between a unit's owners (or their agent) and a licensed firm. A firm sees
 * an elevator exactly while a contract of its covers it (`elevator_coverage`). An elevator has at
 * most one contract on any day. Owner changes do not touch contracts: the unit is the party.
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly contracts: ContractRepository,
    private readonly repo: MaintenanceRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(p: Principal, q: ContractQueryDto): Promise<[ContractView[], number]> {
    const [rows, total] = await this.contracts.page(this.scope(p), { ...q, today: this.clock.today() });
    return [rows.map((r) => this.view(r)), total];
  }

  async get(p: Principal, id: string): Promise<ContractView> {
    return this.view(await this.find(p, id));
  }

  async create(p: Principal, dto: CreateContractDto): Promise<ContractView> {
    if (p.role === 'agent' && dto.unitId !== p.unitId) {
      throw new ForbiddenError('NOT_YOUR_UNIT', 'an agent signs contracts for its own unit only');
    }
    const problems: Array<{ field: string; messages: string[] }> = [];
    if (dto.endsOn < dto.startsOn)
      problems.push({ field: 'endsOn', messages: ['endsOn must not be before startsOn'] });
    if (dto.signedOn > dto.startsOn) {
      problems.push({ field: 'signedOn', messages: ['signedOn must not be after startsOn'] });
    }
    const unit = await this.contracts.unitRegion(dto.unitId);
    if (!unit) problems.push({ field: 'unitId', messages: ['unit does not exist'] });
    const firm = await this.contracts.organisation(dto.firmId);
    if (!firm || firm.kind !== 'maintenance_firm') {
      problems.push({ field: 'firmId', messages: ['firmId must be a maintenance firm'] });
    } else if (!firm.licence_number) {
      problems.push({ field: 'firmId', messages: ['the firm has no maintenance licence on record'] });
    }
    const unitOf = await this.contracts.elevatorUnits(dto.elevatorIds);
    dto.elevatorIds.forEach((id, i) => {
      const unitId = unitOf.get(id);
      if (!unitId) problems.push({ field: `elevatorIds.${i}`, messages: ['elevator does not exist'] });
      else if (unitId !== dto.unitId) {
        problems.push({ field: `elevatorIds.${i}`, messages: ["elevator is not in the contract's unit"] });
      }
    });
    const policy = await this.repo.intervalPolicy(dto.policyCode);
    if (!policy)
      problems.push({ field: 'policyCode', messages: [`unknown interval policy ${dto.policyCode}`] });
    else if (
      unit &&
      policy.regionCode &&
      !unit.region_code.startsWith(regionScopePrefix(policy.regionCode))
    ) {
      problems.push({
        field: 'policyCode',
        messages: [
          `policy ${policy.code} applies in region ${policy.regionCode} only, the unit is in ${unit.region_code}`,
        ],
      });
    }
    if (problems.length > 0) throw new InvalidInputError(problems);

    return this.contracts.transaction(async (tx) => {
      const o = await this.contracts.lockAndFindOverlap(tx, dto.elevatorIds, dto.startsOn, dto.endsOn);
      if (o) {
        throw new ConflictError(
          'CONTRACT_OVERLAP',
          `elevator ${o.registration_code} is already under contract ${o.contract_number} for part of this term`,
        );
      }
      if (policy?.kind === 'on_demand' && policy.conditions) {
        const check = await this.evaluate(tx, policy.conditions, dto.firmId, dto.elevatorIds);
        const unmet = check.filter((c) => !c.met);
        if (unmet.length > 0) {
          throw new RuleViolationError(
            'ON_DEMAND_CONDITIONS_UNMET',
            `on-demand maintenance is not allowed: ${unmet.map((c) => `${c.code} (${c.detail})`).join('; ')}`,
            unmet.map((c) => ({ field: `conditions.${c.code}`, messages: [c.detail] })),
          );
        }
      }
      const id = await this.contracts.insert(tx, {
        contractNumber: dto.contractNumber,
        unitId: dto.unitId,
        firmId: dto.firmId,
        ownersRepresentative: dto.ownersRepresentative,
        signedOn: dto.signedOn,
        startsOn: dto.startsOn,
        endsOn: dto.endsOn,
        annualFeeFen: dto.annualFeeFen,
        includesParts: dto.includesParts ?? false,
        includesCallouts: dto.includesCallouts ?? true,
        policyCode: dto.policyCode,
        createdBy: p.username,
        elevatorIds: dto.elevatorIds,
      });
      await this.audit.record(tx, p, 'maintenance_contract.create', 'maintenance_contract', id, {
        after: dto,
      });
      return this.view((await this.contracts.find(id, null, tx)) as ContractRow);
    });
  }

  async terminate(p: Principal, id: string, dto: TerminateContractDto): Promise<ContractView> {
    const c = await this.find(p, id);
    if (isFirmStaff(p.role))
      throw new ForbiddenError('OWNERS_ONLY', 'the owners (or their agent) terminate a contract');
    if (c.terminated_on)
      throw new ConflictError('CONTRACT_TERMINATED', `contract ${c.contract_number} is already terminated`);
    if (dto.terminatedOn < c.starts_on || dto.terminatedOn > c.ends_on) {
      throw InvalidInputError.field(
        'terminatedOn',
        `terminatedOn must lie within the term ${c.starts_on}..${c.ends_on}`,
      );
    }
    return this.contracts.transaction(async (tx) => {
      await this.contracts.terminate(tx, id, dto.terminatedOn, dto.reason);
      await this.audit.record(tx, p, 'maintenance_contract.terminate', 'maintenance_contract', id, {
        ...dto,
      });
      return this.view((await this.contracts.find(id, null, tx)) as ContractRow);
    });
  }

  async checks(p: Principal, id: string): Promise<ConditionCheck[]> {
    await this.find(p, id);
    const rows = await this.contracts.checks(id);
    return rows.map((r) => ({
      contractId: id,
      checkedOn: r.checked_on,
      passed: r.passed,
      conditions: r.conditions,
    }));
  }

  /**
   * The daily re-check of on-demand contracts: a contract whose conditions no longer hold falls
   * back to the standard policy (and is flagged) until they hold again. Returns the changes.
   */
  async recheckOnDemand(actor: Principal, day: string): Promise<ConditionCheck[]> {
    const contracts = await this.contracts.onDemandInForce(day);
    const results: ConditionCheck[] = [];
    const policies = new Map((await this.repo.intervalPolicies()).map((pl) => [pl.code, pl]));
    for (const c of contracts) {
      const policy = policies.get(c.policy_code);
      if (!policy?.conditions) continue;
      const conditions = policy.conditions;
      const result = await this.contracts.transaction(async (tx) => {
        const check = await this.evaluate(tx, conditions, c.firm_id, c.elevator_ids);
        const passed = check.every((r) => r.met);
        await this.contracts.saveCheck(tx, c.id, day, passed, check);
        if (passed === c.suspended) {
          const reason = passed
            ? null
            : check
                .filter((r) => !r.met)
                .map((r) => `${r.code}: ${r.detail}`)
                .join('; ');
          await this.contracts.setOnDemandSuspension(tx, c.id, passed ? null : day, reason);
          await this.audit.record(
            tx,
            actor,
            passed ? 'maintenance_contract.on_demand_reinstated' : 'maintenance_contract.on_demand_suspended',
            'maintenance_contract',
            c.id,
            { day, reason },
          );
        }
        return { contractId: c.id, checkedOn: day, passed, conditions: check };
      });
      results.push(result);
    }
    return results;
  }

  private async evaluate(
    em: EntityManager,
    req: OnDemandRequirements,
    firmId: string,
    elevatorIds: string[],
  ): Promise<ConditionResult[]> {
    const day = this.clock.today();
    const firm = await this.contracts.organisation(firmId, em);
    const elevators = await this.repo.elevators(elevatorIds, em);
    const inspections = await this.repo.inspectionStatuses(elevators, day, em);
    const insured = await this.repo.insured(elevatorIds, day, em);
    const telemetry = await this.repo.lastTelemetry(elevatorIds, em);
    return evaluateOnDemand(
      req,
      this.clock.now(),
      firm?.credit_rating ?? null,
      elevators.map((e) => ({
        registrationCode: e.registration_code,
        lastTelemetryAt: telemetry.get(e.id) ?? null,
        inspectionState: inspections.get(e.id)?.state ?? 'unknown',
        insuranceActive: insured.has(e.id),
      })),
    );
  }

  private scope(p: Principal): ContractScope {
    if (isFirmStaff(p.role)) return { firmId: p.organisationId };
    if (p.role === 'insurer') return { none: true };
    return { units: this.visibility.units(p) };
  }

  private async find(p: Principal, id: string): Promise<ContractRow> {
    const row = await this.contracts.find(id, this.scope(p));
    if (!row) throw new NotFoundError('Contract', id);
    return row;
  }

  private view(r: ContractRow): ContractView {
    const today = this.clock.today();
    const status: ContractView['status'] =
      r.terminated_on && r.terminated_on <= today
        ? 'terminated'
        : r.ends_on < today
          ? 'ended'
          : r.starts_on > today
            ? 'pending'
            : 'active';
    return {
      id: r.id,
      contractNumber: r.contract_number,
      unitId: r.unit_id,
      firmId: r.firm_id,
      firmName: r.firm_name,
      elevatorIds: r.elevator_ids,
      ownersRepresentative: r.owners_representative,
      signedOn: r.signed_on,
      startsOn: r.starts_on,
      endsOn: r.ends_on,
      annualFeeFen: Number(r.annual_fee_fen),
      includesParts: r.includes_parts,
      includesCallouts: r.includes_callouts,
      policyCode: r.policy_code,
      effectivePolicyCode: r.on_demand_suspended_on ? STANDARD_POLICY : r.policy_code,
      status,
      terminatedOn: r.terminated_on,
      terminationReason: r.termination_reason,
      onDemandSuspendedOn: r.on_demand_suspended_on,
      onDemandSuspensionReason: r.on_demand_suspension_reason,
      createdAt: r.created_at.toISOString(),
    };
  }
}
