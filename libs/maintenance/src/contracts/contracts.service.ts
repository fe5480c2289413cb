import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { AuditService, type Principal } from '@liftwatch/access';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { regionScopePrefix } from '@liftwatch/registry';
import { containsPattern } from '@liftwatch/database';
import { MaintenanceRepository, STANDARD_POLICY } from '../maintenance.repository';
import {
  type ContractQueryDto,
  type ContractView,
  type CreateContractDto,
  type TerminateContractDto,
} from './contract.dto';
import { type ConditionResult, evaluateOnDemand, type OnDemandRequirements } from './on-demand-conditions';

interface ContractRow {
  id: string;
  contract_number: string;
  unit_id: string;
  firm_id: string;
  firm_name: string;
  elevator_ids: string[];
  owners_representative: string;
  signed_on: string;
  starts_on: string;
  ends_on: string;
  annual_fee_fen: string;
  includes_parts: boolean;
  includes_callouts: boolean;
  policy_code: string;
  terminated_on: string | null;
  termination_reason: string | null;
  on_demand_suspended_on: string | null;
  on_demand_suspension_reason: string | null;
  created_at: Date;
}

const SELECT_CONTRACT = `
  SELECT c.id, c.contract_number, c.unit_id, c.firm_id, o.name AS firm_name,
         ARRAY(SELECT ce.elevator_id::text FROM maintenance_contract_elevators ce WHERE ce.contract_id = c.id ORDER BY ce.elevator_id) AS elevator_ids,
         c.owners_representative, to_char(c.signed_on, 'YYYY-MM-DD') AS signed_on,
         to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on,
         c.annual_fee_fen, c.includes_parts, c.includes_callouts, c.policy_code,
         to_char(c.terminated_on, 'YYYY-MM-DD') AS terminated_on, c.termination_reason,
         to_char(c.on_demand_suspended_on, 'YYYY-MM-DD') AS on_demand_suspended_on, c.on_demand_suspension_reason,
         c.created_at
    FROM maintenance_contracts c JOIN organisations o ON o.id = c.firm_id`;

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
    private readonly repo: MaintenanceRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal, q: ContractQueryDto): Promise<[ContractView[], number]> {
    const where: string[] = ['true'];
    const params: Record<string, unknown> = { today: this.repo.today() };
    const scope = this.scope(p);
    if (q.unitId) {
      where.push('c.unit_id = :unitId');
      params.unitId = q.unitId;
    }
    if (q.elevatorId) {
      where.push(
        'c.id IN (SELECT contract_id FROM maintenance_contract_elevators WHERE elevator_id = :elevatorId)',
      );
      params.elevatorId = q.elevatorId;
    }
    const text = containsPattern(q.q);
    if (text) {
      where.push(
        '(c.contract_number ILIKE :search OR c.firm_id IN (SELECT id FROM organisations WHERE name ILIKE :search))',
      );
      params.search = text;
    }
    if (q.status === 'active') {
      where.push(
        'c.starts_on <= :today AND c.ends_on >= :today AND (c.terminated_on IS NULL OR c.terminated_on > :today)',
      );
    } else if (q.status === 'ended') {
      where.push('(c.ends_on < :today OR c.terminated_on <= :today)');
    }
    const filter = `WHERE ${where.join(' AND ')}${scope.sql}`;
    const all = { ...params, ...scope.params };
    const [count] = await this.repo.query<{ n: string }>(
      `SELECT count(*) AS n FROM maintenance_contracts c ${filter}`,
      all,
    );
    const rows = await this.repo.query<ContractRow>(
      `${SELECT_CONTRACT} ${filter} ORDER BY c.starts_on DESC, c.contract_number LIMIT :limit OFFSET :offset`,
      { ...all, limit: q.limit, offset: q.offset },
    );
    return [rows.map((r) => this.view(r)), Number(count?.n ?? 0)];
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
    const [unit] = await this.repo.query<{ id: string; region_code: string }>(
      `SELECT u.id, b.region_code FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = :id`,
      { id: dto.unitId },
    );
    if (!unit) problems.push({ field: 'unitId', messages: ['unit does not exist'] });
    const [firm] = await this.repo.query<{
      kind: string;
      licence_number: string | null;
      credit_rating: string | null;
    }>(`SELECT kind, licence_number, credit_rating FROM organisations WHERE id = :id`, { id: dto.firmId });
    if (!firm || firm.kind !== 'maintenance_firm') {
      problems.push({ field: 'firmId', messages: ['firmId must be a maintenance firm'] });
    } else if (!firm.licence_number) {
      problems.push({ field: 'firmId', messages: ['the firm has no maintenance licence on record'] });
    }
    const elevators = await this.repo.query<{ id: string; unit_id: string }>(
      `SELECT id, unit_id FROM elevators WHERE id IN (:...ids)`,
      { ids: dto.elevatorIds },
    );
    dto.elevatorIds.forEach((id, i) => {
      const e = elevators.find((x) => x.id === id);
      if (!e) problems.push({ field: `elevatorIds.${i}`, messages: ['elevator does not exist'] });
      else if (e.unit_id !== dto.unitId) {
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

    return this.repo.ds.transaction(async (em) => {
      // Lock the elevators so two contracts for the same days cannot both pass the overlap check.
      await em.query(`SELECT id FROM elevators WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
        dto.elevatorIds,
      ]);
      const overlapping = await this.repo.query<{ contract_number: string; registration_code: string }>(
        `SELECT c.contract_number, e.registration_code
           FROM maintenance_contract_elevators ce
           JOIN maintenance_contracts c ON c.id = ce.contract_id
           JOIN elevators e ON e.id = ce.elevator_id
          WHERE ce.elevator_id IN (:...ids)
            AND c.starts_on <= :endsOn AND LEAST(c.ends_on, c.terminated_on - 1) >= :startsOn`,
        { ids: dto.elevatorIds, startsOn: dto.startsOn, endsOn: dto.endsOn },
        em,
      );
      if (overlapping.length > 0) {
        const o = overlapping[0];
        throw new ConflictError(
          'CONTRACT_OVERLAP',
          `elevator ${o.registration_code} is already under contract ${o.contract_number} for part of this term`,
        );
      }
      if (policy?.kind === 'on_demand' && policy.conditions) {
        const check = await this.evaluate(em, policy.conditions, dto.firmId, dto.elevatorIds);
        const unmet = check.filter((c) => !c.met);
        if (unmet.length > 0) {
          throw new RuleViolationError(
            'ON_DEMAND_CONDITIONS_UNMET',
            `on-demand maintenance is not allowed: ${unmet.map((c) => `${c.code} (${c.detail})`).join('; ')}`,
            unmet.map((c) => ({ field: `conditions.${c.code}`, messages: [c.detail] })),
          );
        }
      }
      const [created] = await em.query<Array<{ id: string }>>(
        `INSERT INTO maintenance_contracts (contract_number, unit_id, firm_id, owners_representative, signed_on, starts_on,
           ends_on, annual_fee_fen, includes_parts, includes_callouts, policy_code, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        [
          dto.contractNumber,
          dto.unitId,
          dto.firmId,
          dto.ownersRepresentative,
          dto.signedOn,
          dto.startsOn,
          dto.endsOn,
          dto.annualFeeFen,
          dto.includesParts ?? false,
          dto.includesCallouts ?? true,
          dto.policyCode,
          p.username,
        ],
      );
      const id = created.id;
      await em.query(
        `INSERT INTO maintenance_contract_elevators (contract_id, elevator_id) SELECT $1, unnest($2::uuid[])`,
        [id, dto.elevatorIds],
      );
      await this.audit.record(em, p, 'maintenance_contract.create', 'maintenance_contract', id, {
        after: dto,
      });
      return this.view(
        (await this.repo.query<ContractRow>(`${SELECT_CONTRACT} WHERE c.id = :id`, { id }, em))[0],
      );
    });
  }

  async terminate(p: Principal, id: string, dto: TerminateContractDto): Promise<ContractView> {
    const c = await this.find(p, id);
    if (p.role === 'firm')
      throw new ForbiddenError('OWNERS_ONLY', 'the owners (or their agent) terminate a contract');
    if (c.terminated_on)
      throw new ConflictError('CONTRACT_TERMINATED', `contract ${c.contract_number} is already terminated`);
    if (dto.terminatedOn < c.starts_on || dto.terminatedOn > c.ends_on) {
      throw InvalidInputError.field(
        'terminatedOn',
        `terminatedOn must lie within the term ${c.starts_on}..${c.ends_on}`,
      );
    }
    return this.repo.ds.transaction(async (em) => {
      await em.query(
        `UPDATE maintenance_contracts SET terminated_on = $2, termination_reason = $3 WHERE id = $1`,
        [id, dto.terminatedOn, dto.reason],
      );
      await this.audit.record(em, p, 'maintenance_contract.terminate', 'maintenance_contract', id, {
        ...dto,
      });
      return this.view(
        (await this.repo.query<ContractRow>(`${SELECT_CONTRACT} WHERE c.id = :id`, { id }, em))[0],
      );
    });
  }

  async checks(p: Principal, id: string): Promise<ConditionCheck[]> {
    await this.find(p, id);
    const rows = await this.repo.query<{
      checked_on: string;
      passed: boolean;
      conditions: ConditionResult[];
    }>(
      `SELECT to_char(checked_on, 'YYYY-MM-DD') AS checked_on, passed, conditions
         FROM contract_condition_checks WHERE contract_id = :id ORDER BY checked_on DESC LIMIT 90`,
      { id },
    );
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
    const contracts = await this.repo.query<{
      id: string;
      firm_id: string;
      policy_code: string;
      suspended: boolean;
      elevator_ids: string[];
    }>(
      `SELECT c.id, c.firm_id, c.policy_code, c.on_demand_suspended_on IS NOT NULL AS suspended,
              ARRAY(SELECT elevator_id::text FROM maintenance_contract_elevators WHERE contract_id = c.id) AS elevator_ids
         FROM maintenance_contracts c JOIN maintenance_interval_policies mp ON mp.code = c.policy_code
        WHERE mp.kind = 'on_demand' AND c.starts_on <= :day AND c.ends_on >= :day
          AND (c.terminated_on IS NULL OR c.terminated_on > :day)`,
      { day },
    );
    const results: ConditionCheck[] = [];
    const policies = new Map((await this.repo.intervalPolicies()).map((pl) => [pl.code, pl]));
    for (const c of contracts) {
      const policy = policies.get(c.policy_code);
      if (!policy?.conditions) continue;
      const conditions = policy.conditions;
      const result = await this.repo.ds.transaction(async (em) => {
        const check = await this.evaluate(em, conditions, c.firm_id, c.elevator_ids);
        const passed = check.every((r) => r.met);
        await em.query(
          `INSERT INTO contract_condition_checks (contract_id, checked_on, passed, conditions) VALUES ($1, $2, $3, $4::jsonb)
           ON CONFLICT (contract_id, checked_on) DO UPDATE SET passed = excluded.passed, conditions = excluded.conditions,
             checked_at = now()`,
          [c.id, day, passed, JSON.stringify(check)],
        );
        if (passed === c.suspended) {
          const reason = passed
            ? null
            : check
                .filter((r) => !r.met)
                .map((r) => `${r.code}: ${r.detail}`)
                .join('; ');
          await em.query(
            `UPDATE maintenance_contracts SET on_demand_suspended_on = $2, on_demand_suspension_reason = $3 WHERE id = $1`,
            [c.id, passed ? null : day, reason],
          );
          await this.audit.record(
            em,
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
    const day = this.repo.today();
    const [firm] = await this.repo.query<{ credit_rating: string | null }>(
      `SELECT credit_rating FROM organisations WHERE id = :id`,
      { id: firmId },
      em,
    );
    const elevators = await this.repo.elevators(elevatorIds, em);
    const inspections = await this.repo.inspectionStatuses(elevators, day, em);
    const insured = await this.repo.insured(elevatorIds, day, em);
    const telemetry = await this.repo.lastTelemetry(elevatorIds, em);
    return evaluateOnDemand(
      req,
      this.repo.now(),
      firm?.credit_rating ?? null,
      elevators.map((e) => ({
        registrationCode: e.registration_code,
        lastTelemetryAt: telemetry.get(e.id) ?? null,
        inspectionState: inspections.get(e.id)?.state ?? 'unknown',
        insuranceActive: insured.has(e.id),
      })),
    );
  }

  private scope(p: Principal): { sql: string; params: Record<string, unknown> } {
    if (p.role === 'firm')
      return { sql: ' AND c.firm_id = :scopeOrg', params: { scopeOrg: p.organisationId } };
    if (p.role === 'insurer') return { sql: ' AND false', params: {} };
    return this.repo.scope('c.unit_id', this.repo.visibility.units(p));
  }

  private async find(p: Principal, id: string): Promise<ContractRow> {
    const scope = this.scope(p);
    const [row] = await this.repo.query<ContractRow>(`${SELECT_CONTRACT} WHERE c.id = :id${scope.sql}`, {
      id,
      ...scope.params,
    });
    if (!row) throw new NotFoundError('Contract', id);
    return row;
  }

  private view(r: ContractRow): ContractView {
    const today = this.repo.today();
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
