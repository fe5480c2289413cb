import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '@liftwatch/contract';
import { MaintenanceRepository } from '@liftwatch/maintenance';
import {
  type CancelPolicyDto,
  type CreatePolicyDto,
  type PolicyQueryDto,
  type PolicyView,
} from './policy.dto';
import { type EntrapmentTier } from './payout';

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

export const SELECT_POLICY = `
  SELECT p.id, p.policy_number, p.insurer_id, o.name AS insurer_name, p.policyholder_kind, p.policyholder_unit_id,
         p.policyholder_organisation_id, p.policyholder_name,
         ARRAY(SELECT pe.elevator_id::text FROM insurance_policy_elevators pe WHERE pe.policy_id = p.id ORDER BY 1) AS elevator_ids,
         to_char(p.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(p.ends_on, 'YYYY-MM-DD') AS ends_on,
         p.premium_fen, p.cover_types, p.limits, p.deductible_fen, p.entrapment_tiers,
         to_char(p.cancelled_on, 'YYYY-MM-DD') AS cancelled_on, p.cancellation_reason, p.created_at
    FROM insurance_policies p JOIN organisations o ON o.id = p.insurer_id`;

/** True when the policy covers `day` (business date): within its term and not cancelled by then. */
export function policyActiveOn(
  r: Pick<PolicyRow, 'starts_on' | 'ends_on' | 'cancelled_on'>,
  day: string,
): boolean {
  return r.starts_on <= day && r.ends_on >= day && (r.cancelled_on === null || r.cancelled_on > day);
}

export function policyView(r: PolicyRow, today: string): PolicyView {
  return {
    id: r.id,
    policyNumber: r.policy_number,
    insurerId: r.insurer_id,
    insurerName: r.insurer_name,
    policyholderKind: r.policyholder_kind,
    policyholderUnitId: r.policyholder_unit_id,
    policyholderOrganisationId: r.policyholder_organisation_id,
    policyholderName: r.policyholder_name,
    elevatorIds: r.elevator_ids,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    premiumFen: Number(r.premium_fen),
    coverTypes: r.cover_types,
    limits: r.limits,
    deductibleFen: Number(r.deductible_fen),
    entrapmentTiers: r.entrapment_tiers,
    status:
      r.cancelled_on !== null && r.cancelled_on <= today
        ? 'cancelled'
        : r.ends_on < today
          ? 'expired'
          : r.starts_on > today
            ? 'pending'
            : 'active',
    cancelledOn: r.cancelled_on,
    cancellationReason: r.cancellation_reason,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Insurance policies: an insurer sees and issues its own; the owners, their agent, the maintaining
 * firm and the regulator see the policies on elevators they see (premium feeds the running costs).
 */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly audit: AuditService,
  ) {}

  scope(p: Principal): { sql: string; params: Record<string, unknown> } {
    if (p.role === 'insurer')
      return { sql: ' AND p.insurer_id = :scopeOrg', params: { scopeOrg: p.organisationId } };
    const elevators = this.repo.visibility.elevators(p);
    if (elevators === null) return { sql: '', params: {} };
    return {
      sql: ` AND p.id IN (SELECT spe.policy_id FROM insurance_policy_elevators spe WHERE spe.elevator_id IN (${elevators.sql}))`,
      params: elevators.params,
    };
  }

  async list(p: Principal, q: PolicyQueryDto): Promise<[PolicyView[], number]> {
    const today = this.repo.today();
    const scope = this.scope(p);
    const where: string[] = ['true'];
    const params: Record<string, unknown> = { ...scope.params, today };
    if (q.elevatorId) {
      where.push(
        'p.id IN (SELECT policy_id FROM insurance_policy_elevators WHERE elevator_id = :elevatorId)',
      );
      params.elevatorId = q.elevatorId;
    }
    if (q.status === 'active') {
      where.push(
        'p.starts_on <= :today AND p.ends_on >= :today AND (p.cancelled_on IS NULL OR p.cancelled_on > :today)',
      );
    }
    const filter = `WHERE ${where.join(' AND ')}${scope.sql}`;
    const [count] = await this.repo.query<{ n: string }>(
      `SELECT count(*) AS n FROM insurance_policies p ${filter}`,
      params,
    );
    const rows = await this.repo.query<PolicyRow>(
      `${SELECT_POLICY} ${filter} ORDER BY p.starts_on DESC, p.policy_number LIMIT :limit OFFSET :offset`,
      { ...params, limit: q.limit, offset: q.offset },
    );
    return [rows.map((r) => policyView(r, today)), Number(count?.n ?? 0)];
  }

  async get(p: Principal, id: string): Promise<PolicyView> {
    return policyView(await this.find(p, id), this.repo.today());
  }

  async find(p: Principal, id: string): Promise<PolicyRow> {
    const scope = this.scope(p);
    const [row] = await this.repo.query<PolicyRow>(`${SELECT_POLICY} WHERE p.id = :id${scope.sql}`, {
      id,
      ...scope.params,
    });
    if (!row) throw new NotFoundError('Policy', id);
    return row;
  }

  async create(p: Principal, dto: CreatePolicyDto): Promise<PolicyView> {
    const insurerId = p.role === 'admin' ? dto.insurerId : p.organisationId;
    const problems: FieldProblem[] = [];
    if (!insurerId) problems.push({ field: 'insurerId', messages: ['insurerId is required for admins'] });
    if (p.role === 'insurer' && dto.insurerId && dto.insurerId !== p.organisationId) {
      throw new ForbiddenError('NOT_YOUR_ORGANISATION', 'an insurer issues its own policies only');
    }
    if (dto.endsOn < dto.startsOn)
      problems.push({ field: 'endsOn', messages: ['endsOn must not be before startsOn'] });
    if (insurerId) {
      const [org] = await this.repo.query<{ kind: string }>(`SELECT kind FROM organisations WHERE id = :id`, {
        id: insurerId,
      });
      if (org?.kind !== 'insurer')
        problems.push({ field: 'insurerId', messages: ['insurerId must be an insurer'] });
    }
    if (dto.policyholderKind === 'owners') {
      if (!dto.policyholderUnitId) {
        problems.push({
          field: 'policyholderUnitId',
          messages: ['the owners of a unit hold this policy: give the unit'],
        });
      }
    } else if (!dto.policyholderOrganisationId) {
      problems.push({
        field: 'policyholderOrganisationId',
        messages: [`a ${dto.policyholderKind} policyholder is an organisation`],
      });
    } else if (dto.policyholderKind === 'maintenance_firm') {
      const [org] = await this.repo.query<{ kind: string }>(`SELECT kind FROM organisations WHERE id = :id`, {
        id: dto.policyholderOrganisationId,
      });
      if (org?.kind !== 'maintenance_firm') {
        problems.push({
          field: 'policyholderOrganisationId',
          messages: ['policyholder must be a maintenance firm'],
        });
      }
    }
    const elevators = await this.repo.query<{ id: string; unit_id: string }>(
      `SELECT id, unit_id FROM elevators WHERE id IN (:...ids)`,
      { ids: dto.elevatorIds },
    );
    dto.elevatorIds.forEach((id, i) => {
      const e = elevators.find((x) => x.id === id);
      if (!e) problems.push({ field: `elevatorIds.${i}`, messages: ['elevator does not exist'] });
      else if (
        dto.policyholderKind === 'owners' &&
        dto.policyholderUnitId &&
        e.unit_id !== dto.policyholderUnitId
      ) {
        problems.push({
          field: `elevatorIds.${i}`,
          messages: ["the owners insure their own unit's elevators only"],
        });
      }
    });
    const tiers = dto.entrapmentTiers ?? [];
    if (new Set(tiers.map((t) => t.minMinutes)).size !== tiers.length) {
      problems.push({ field: 'entrapmentTiers', messages: ['each tier needs a different minMinutes'] });
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
    const exists = await this.repo.query(`SELECT 1 FROM insurance_policies WHERE policy_number = :n`, {
      n: dto.policyNumber,
    });
    if (exists.length > 0)
      throw new ConflictError('POLICY_NUMBER_TAKEN', `policy ${dto.policyNumber} exists already`);

    return this.repo.ds.transaction(async (em) => {
      const [row] = await em.query<Array<{ id: string }>>(
        `INSERT INTO insurance_policies (policy_number, insurer_id, policyholder_kind, policyholder_unit_id,
           policyholder_organisation_id, policyholder_name, starts_on, ends_on, premium_fen, cover_types, limits,
           deductible_fen, entrapment_tiers, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[], $11::jsonb, $12, $13::jsonb, $14) RETURNING id`,
        [
          dto.policyNumber,
          insurerId,
          dto.policyholderKind,
          dto.policyholderKind === 'owners' ? dto.policyholderUnitId : null,
          dto.policyholderKind === 'owners' ? null : dto.policyholderOrganisationId,
          dto.policyholderName,
          dto.startsOn,
          dto.endsOn,
          dto.premiumFen,
          dto.coverTypes,
          JSON.stringify(dto.limits ?? {}),
          dto.deductibleFen ?? 0,
          JSON.stringify([...tiers].sort((a, b) => a.minMinutes - b.minMinutes)),
          p.username,
        ],
      );
      const id = row.id;
      await em.query(
        `INSERT INTO insurance_policy_elevators (policy_id, elevator_id) SELECT $1, unnest($2::uuid[])`,
        [id, dto.elevatorIds],
      );
      await this.audit.record(em, p, 'insurance_policy.create', 'insurance_policy', id, { after: dto });
      const [saved] = await this.repo.query<PolicyRow>(`${SELECT_POLICY} WHERE p.id = :id`, { id }, em);
      return policyView(saved, this.repo.today());
    });
  }

  async cancel(p: Principal, id: string, dto: CancelPolicyDto): Promise<PolicyView> {
    const row = await this.find(p, id);
    if (p.role !== 'admin' && p.role !== 'insurer')
      throw new ForbiddenError('INSURER_ONLY', 'the insurer cancels a policy');
    if (row.cancelled_on)
      throw new ConflictError('POLICY_CANCELLED', `policy ${row.policy_number} is cancelled already`);
    if (dto.cancelledOn < row.starts_on || dto.cancelledOn > row.ends_on) {
      throw InvalidInputError.field(
        'cancelledOn',
        `cancelledOn must lie within the term ${row.starts_on}..${row.ends_on}`,
      );
    }
    return this.repo.ds.transaction(async (em) => {
      await em.query(
        `UPDATE insurance_policies SET cancelled_on = $2, cancellation_reason = $3 WHERE id = $1`,
        [id, dto.cancelledOn, dto.reason],
      );
      await this.audit.record(em, p, 'insurance_policy.cancel', 'insurance_policy', id, { ...dto });
      const [saved] = await this.repo.query<PolicyRow>(`${SELECT_POLICY} WHERE p.id = :id`, { id }, em);
      return policyView(saved, this.repo.today());
    });
  }
}
