import { Injectable } from '@nestjs/common';
import { containsPattern, type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '@liftwatch/registry';
import { type ConditionResult } from './on-demand-conditions';

export interface ContractRow {
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

/** Which contracts a caller sees: a firm its own, an insurer none, others through the units they see. */
export type ContractScope = { firmId: string | null } | { none: true } | { units: IdFilter | null };

export interface ContractFilter {
  unitId?: string;
  elevatorId?: string;
  /** part of the contract number or the firm's name */
  q?: string;
  status: 'active' | 'ended' | 'all';
  today: string;
  limit: number;
  offset: number;
}

export interface NewContract {
  contractNumber: string;
  unitId: string;
  firmId: string;
  ownersRepresentative: string;
  signedOn: string;
  startsOn: string;
  endsOn: string;
  annualFeeFen: number;
  includesParts: boolean;
  includesCallouts: boolean;
  policyCode: string;
  createdBy: string;
  elevatorIds: string[];
}

export interface OnDemandContract {
  id: string;
  firm_id: string;
  policy_code: string;
  suspended: boolean;
  elevator_ids: string[];
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

/** Every query of maintenance contracts, their elevators and their daily on-demand checks. */
@Injectable()
export class ContractRepository extends SqlRepository {
  private scopeSql(scope: ContractScope): { sql: string; params: Record<string, unknown> } {
    if ('none' in scope) return { sql: ' AND false', params: {} };
    if ('firmId' in scope) return { sql: ' AND c.firm_id = :scopeOrg', params: { scopeOrg: scope.firmId } };
    return scopeSql('c.unit_id', scope.units);
  }

  async page(scope: ContractScope, f: ContractFilter): Promise<[ContractRow[], number]> {
    const where: string[] = ['true'];
    const params: Record<string, unknown> = { today: f.today };
    if (f.unitId) {
      where.push('c.unit_id = :unitId');
      params.unitId = f.unitId;
    }
    if (f.elevatorId) {
      where.push(
        'c.id IN (SELECT contract_id FROM maintenance_contract_elevators WHERE elevator_id = :elevatorId)',
      );
      params.elevatorId = f.elevatorId;
    }
    const search = containsPattern(f.q);
    if (search) {
      // (not :text — SELECT_CONTRACT casts with ::text)
      where.push(
        '(c.contract_number ILIKE :search OR c.firm_id IN (SELECT id FROM organisations WHERE name ILIKE :search))',
      );
      params.search = search;
    }
    if (f.status === 'active') {
      where.push(
        'c.starts_on <= :today AND c.ends_on >= :today AND (c.terminated_on IS NULL OR c.terminated_on > :today)',
      );
    } else if (f.status === 'ended') {
      where.push('(c.ends_on < :today OR c.terminated_on <= :today)');
    }
    const s = this.scopeSql(scope);
    const filter = `WHERE ${where.join(' AND ')}${s.sql}`;
    const all = { ...params, ...s.params };
    const count = await this.sql.one<{ n: string }>(
      `SELECT count(*) AS n FROM maintenance_contracts c ${filter}`,
      all,
    );
    const rows = await this.sql.query<ContractRow>(
      `${SELECT_CONTRACT} ${filter} ORDER BY c.starts_on DESC, c.contract_number LIMIT :limit OFFSET :offset`,
      { ...all, limit: f.limit, offset: f.offset },
    );
    return [rows, Number(count?.n ?? 0)];
  }

  find(id: string, scope: ContractScope | null = null, db?: Db): Promise<ContractRow | undefined> {
    const s = scope ? this.scopeSql(scope) : { sql: '', params: {} };
    return this.sql.one<ContractRow>(`${SELECT_CONTRACT} WHERE c.id = :id${s.sql}`, { id, ...s.params }, db);
  }

  unitRegion(unitId: string): Promise<{ id: string; region_code: string } | undefined> {
    return this.sql.one(
      `SELECT u.id, b.region_code FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = :unitId`,
      { unitId },
    );
  }

  organisation(
    id: string,
    db?: Db,
  ): Promise<{ kind: string; licence_number: string | null; credit_rating: string | null } | undefined> {
    return this.sql.one(
      `SELECT kind, licence_number, credit_rating FROM organisations WHERE id = :id`,
      { id },
      db,
    );
  }

  /** Unit of each of the elevators that exist. */
  async elevatorUnits(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.query<{ id: string; unit_id: string }>(
      `SELECT id, unit_id FROM elevators WHERE id IN (:...ids)`,
      { ids },
    );
    return new Map(rows.map((r) => [r.id, r.unit_id]));
  }

  /**
   * Locks the elevators (so two contracts for the same days cannot both pass this check) and
   * returns a contract already covering one of them for part of the term, if any.
   */
  async lockAndFindOverlap(
    tx: Db,
    elevatorIds: string[],
    startsOn: string,
    endsOn: string,
  ): Promise<{ contract_number: string; registration_code: string } | undefined> {
    await this.sql.query(
      `SELECT id FROM elevators WHERE id IN (:...elevatorIds) ORDER BY id FOR UPDATE`,
      { elevatorIds },
      tx,
    );
    return this.sql.one(
      `SELECT c.contract_number, e.registration_code
         FROM maintenance_contract_elevators ce
         JOIN maintenance_contracts c ON c.id = ce.contract_id
         JOIN elevators e ON e.id = ce.elevator_id
        WHERE ce.elevator_id IN (:...elevatorIds)
          AND c.starts_on <= :endsOn AND LEAST(c.ends_on, c.terminated_on - 1) >= :startsOn
        LIMIT 1`,
      { elevatorIds, startsOn, endsOn },
      tx,
    );
  }

  async insert(tx: Db, c: NewContract): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO maintenance_contracts (contract_number, unit_id, firm_id, owners_representative, signed_on, starts_on,
         ends_on, annual_fee_fen, includes_parts, includes_callouts, policy_code, created_by)
       VALUES (:contractNumber, :unitId, :firmId, :ownersRepresentative, :signedOn, :startsOn, :endsOn, :annualFeeFen,
         :includesParts, :includesCallouts, :policyCode, :createdBy) RETURNING id`,
      { ...c },
      tx,
    );
    if (!row) throw new Error('contract not inserted');
    await this.sql.query(
      `INSERT INTO maintenance_contract_elevators (contract_id, elevator_id) SELECT :id, unnest(CAST(:elevatorIds AS uuid[]))`,
      { id: row.id, elevatorIds: c.elevatorIds },
      tx,
    );
    return row.id;
  }

  async terminate(tx: Db, id: string, terminatedOn: string, reason: string): Promise<void> {
    await this.sql.query(
      `UPDATE maintenance_contracts SET terminated_on = :terminatedOn, termination_reason = :reason WHERE id = :id`,
      { id, terminatedOn, reason },
      tx,
    );
  }

  checks(
    contractId: string,
  ): Promise<Array<{ checked_on: string; passed: boolean; conditions: ConditionResult[] }>> {
    return this.sql.query(
      `SELECT to_char(checked_on, 'YYYY-MM-DD') AS checked_on, passed, conditions
         FROM contract_condition_checks WHERE contract_id = :contractId ORDER BY checked_on DESC LIMIT 90`,
      { contractId },
    );
  }

  /** On-demand contracts in force on `day`, with their elevators. */
  onDemandInForce(day: string): Promise<OnDemandContract[]> {
    return this.sql.query<OnDemandContract>(
      `SELECT c.id, c.firm_id, c.policy_code, c.on_demand_suspended_on IS NOT NULL AS suspended,
              ARRAY(SELECT elevator_id::text FROM maintenance_contract_elevators WHERE contract_id = c.id) AS elevator_ids
         FROM maintenance_contracts c JOIN maintenance_interval_policies mp ON mp.code = c.policy_code
        WHERE mp.kind = 'on_demand' AND c.starts_on <= :day AND c.ends_on >= :day
          AND (c.terminated_on IS NULL OR c.terminated_on > :day)`,
      { day },
    );
  }

  async saveCheck(
    tx: Db,
    contractId: string,
    day: string,
    passed: boolean,
    conditions: ConditionResult[],
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO contract_condition_checks (contract_id, checked_on, passed, conditions)
       VALUES (:contractId, :day, :passed, CAST(:conditions AS jsonb))
       ON CONFLICT (contract_id, checked_on) DO UPDATE SET passed = excluded.passed, conditions = excluded.conditions,
         checked_at = now()`,
      { contractId, day, passed, conditions: JSON.stringify(conditions) },
      tx,
    );
  }

  /** Suspends on-demand maintenance from `day` (with the reason), or reinstates it with `null`. */
  async setOnDemandSuspension(tx: Db, id: string, day: string | null, reason: string | null): Promise<void> {
    await this.sql.query(
      `UPDATE maintenance_contracts SET on_demand_suspended_on = :day, on_demand_suspension_reason = :reason WHERE id = :id`,
      { id, day, reason },
      tx,
    );
  }
}
