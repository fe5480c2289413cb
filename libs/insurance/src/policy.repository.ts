import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter } from '@liftwatch/registry';
import { type EntrapmentTier } from './payout';
import { type PolicyView } from './policy.dto';

export interface PolicyRow {
  id: string;
  policy_number: string;
  insurer_id: string;
  insurer_name: string;
  policyholder_kind: PolicyView['policyholderKind'];
  policyholder_unit_id: string | null;
  policyholder_organisation_id: string | null;
  policyholder_name: string;
  elevator_ids: string[];
  starts_on: string;
  ends_on: string;
  premium_fen: string;
  cover_types: PolicyView['coverTypes'];
  limits: PolicyView['limits'];
  deductible_fen: string;
  entrapment_tiers: EntrapmentTier[];
  cancelled_on: string | null;
  cancellation_reason: string | null;
  created_at: Date;
}

const SELECT_POLICY = `
  SELECT p.id, p.policy_number, p.insurer_id, o.name AS insurer_name, p.policyholder_kind, p.policyholder_unit_id,
         p.policyholder_organisation_id, p.policyholder_name,
         ARRAY(SELECT pe.elevator_id::text FROM insurance_policy_elevators pe WHERE pe.policy_id = p.id ORDER BY 1) AS elevator_ids,
         to_char(p.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(p.ends_on, 'YYYY-MM-DD') AS ends_on,
         p.premium_fen, p.cover_types, p.limits, p.deductible_fen, p.entrapment_tiers,
         to_char(p.cancelled_on, 'YYYY-MM-DD') AS cancelled_on, p.cancellation_reason, p.created_at
    FROM insurance_policies p JOIN organisations o ON o.id = p.insurer_id`;

/** Who sees which policies: an insurer its own; everyone else the policies on elevators they see. */
export type PolicyScope = { insurerId: string | null } | { elevators: IdFilter | null };

export interface NewPolicy {
  policyNumber: string;
  insurerId: string;
  policyholderKind: string;
  policyholderUnitId: string | null;
  policyholderOrganisationId: string | null;
  policyholderName: string;
  startsOn: string;
  endsOn: string;
  premiumFen: number;
  coverTypes: string[];
  limits: object;
  deductibleFen: number;
  entrapmentTiers: EntrapmentTier[];
  createdBy: string;
  elevatorIds: string[];
}

/** Every query of insurance policies. */
@Injectable()
export class PolicyRepository extends SqlRepository {
  private scopeSql(scope: PolicyScope): { sql: string; params: Record<string, unknown> } {
    if ('insurerId' in scope)
      return { sql: ' AND p.insurer_id = :scopeOrg', params: { scopeOrg: scope.insurerId } };
    if (scope.elevators === null) return { sql: '', params: {} };
    return {
      sql: ` AND p.id IN (SELECT spe.policy_id FROM insurance_policy_elevators spe WHERE spe.elevator_id IN (${scope.elevators.sql}))`,
      params: scope.elevators.params,
    };
  }

  async page(
    scope: PolicyScope,
    f: { elevatorId?: string; activeOn?: string; limit: number; offset: number },
  ): Promise<[PolicyRow[], number]> {
    const s = this.scopeSql(scope);
    const where: string[] = ['true'];
    const params: Record<string, unknown> = { ...s.params };
    if (f.elevatorId) {
      where.push(
        'p.id IN (SELECT policy_id FROM insurance_policy_elevators WHERE elevator_id = :elevatorId)',
      );
      params.elevatorId = f.elevatorId;
    }
    if (f.activeOn) {
      where.push(
        'p.starts_on <= :day AND p.ends_on >= :day AND (p.cancelled_on IS NULL OR p.cancelled_on > :day)',
      );
      params.day = f.activeOn;
    }
    const filter = `WHERE ${where.join(' AND ')}${s.sql}`;
    const count = await this.sql.one<{ n: string }>(
      `SELECT count(*) AS n FROM insurance_policies p ${filter}`,
      params,
    );
    const rows = await this.sql.query<PolicyRow>(
      `${SELECT_POLICY} ${filter} ORDER BY p.starts_on DESC, p.policy_number LIMIT :limit OFFSET :offset`,
      { ...params, limit: f.limit, offset: f.offset },
    );
    return [rows, Number(count?.n ?? 0)];
  }

  find(id: string, scope: PolicyScope | null = null, db?: Db): Promise<PolicyRow | undefined> {
    const s = scope ? this.scopeSql(scope) : { sql: '', params: {} };
    return this.sql.one<PolicyRow>(`${SELECT_POLICY} WHERE p.id = :id${s.sql}`, { id, ...s.params }, db);
  }

  /** The policy, if it covers the elevator. */
  findCovering(id: string, elevatorId: string): Promise<PolicyRow | undefined> {
    return this.sql.one<PolicyRow>(
      `${SELECT_POLICY}
         JOIN insurance_policy_elevators cpe ON cpe.policy_id = p.id AND cpe.elevator_id = :elevatorId
        WHERE p.id = :id`,
      { id, elevatorId },
    );
  }

  async organisationKind(id: string): Promise<string | null> {
    return (
      (await this.sql.one<{ kind: string }>(`SELECT kind FROM organisations WHERE id = :id`, { id }))?.kind ??
      null
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

  async numberTaken(policyNumber: string): Promise<boolean> {
    return (
      (await this.sql.one(`SELECT 1 FROM insurance_policies WHERE policy_number = :policyNumber`, {
        policyNumber,
      })) !== undefined
    );
  }

  async insert(tx: Db, p: NewPolicy): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO insurance_policies (policy_number, insurer_id, policyholder_kind, policyholder_unit_id,
         policyholder_organisation_id, policyholder_name, starts_on, ends_on, premium_fen, cover_types, limits,
         deductible_fen, entrapment_tiers, created_by)
       VALUES (:policyNumber, :insurerId, :policyholderKind, :policyholderUnitId, :policyholderOrganisationId,
         :policyholderName, :startsOn, :endsOn, :premiumFen, CAST(:coverTypes AS text[]), CAST(:limits AS jsonb),
         :deductibleFen, CAST(:entrapmentTiers AS jsonb), :createdBy) RETURNING id`,
      { ...p, limits: JSON.stringify(p.limits), entrapmentTiers: JSON.stringify(p.entrapmentTiers) },
      tx,
    );
    if (!row) throw new Error('policy not inserted');
    await this.sql.query(
      `INSERT INTO insurance_policy_elevators (policy_id, elevator_id) SELECT :id, unnest(CAST(:elevatorIds AS uuid[]))`,
      { id: row.id, elevatorIds: p.elevatorIds },
      tx,
    );
    return row.id;
  }

  async cancel(tx: Db, id: string, cancelledOn: string, reason: string): Promise<void> {
    await this.sql.query(
      `UPDATE insurance_policies SET cancelled_on = :cancelledOn, cancellation_reason = :reason WHERE id = :id`,
      { id, cancelledOn, reason },
      tx,
    );
  }
}
