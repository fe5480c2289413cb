import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '@liftwatch/contract';
import { Clock } from '@liftwatch/calendar';
import { VisibilityRepository } from '@liftwatch/registry';
import {
  type CancelPolicyDto,
  type CreatePolicyDto,
  type PolicyQueryDto,
  type PolicyView,
} from './policy.dto';
import { type PolicyRow, PolicyRepository, type PolicyScope } from './policy.repository';

export { type PolicyRow } from './policy.repository';

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
    private readonly repo: PolicyRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  scope(p: Principal): PolicyScope {
    if (p.role === 'insurer') return { insurerId: p.organisationId };
    return { elevators: this.visibility.elevators(p) };
  }

  async list(p: Principal, q: PolicyQueryDto): Promise<[PolicyView[], number]> {
    const today = this.clock.today();
    const [rows, total] = await this.repo.page(this.scope(p), {
      elevatorId: q.elevatorId,
      activeOn: q.status === 'active' ? today : undefined,
      limit: q.limit,
      offset: q.offset,
    });
    return [rows.map((r) => policyView(r, today)), total];
  }

  async get(p: Principal, id: string): Promise<PolicyView> {
    return policyView(await this.find(p, id), this.clock.today());
  }

  async find(p: Principal, id: string): Promise<PolicyRow> {
    const row = await this.repo.find(id, this.scope(p));
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
      if ((await this.repo.organisationKind(insurerId)) !== 'insurer')
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
      if ((await this.repo.organisationKind(dto.policyholderOrganisationId)) !== 'maintenance_firm') {
        problems.push({
          field: 'policyholderOrganisationId',
          messages: ['policyholder must be a maintenance firm'],
        });
      }
    }
    const unitOf = await this.repo.elevatorUnits(dto.elevatorIds);
    dto.elevatorIds.forEach((id, i) => {
      const unitId = unitOf.get(id);
      if (!unitId) problems.push({ field: `elevatorIds.${i}`, messages: ['elevator does not exist'] });
      else if (
        dto.policyholderKind === 'owners' &&
        dto.policyholderUnitId &&
        unitId !== dto.policyholderUnitId
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
    if (await this.repo.numberTaken(dto.policyNumber))
      throw new ConflictError('POLICY_NUMBER_TAKEN', `policy ${dto.policyNumber} exists already`);

    return this.repo.transaction(async (tx) => {
      const id = await this.repo.insert(tx, {
        policyNumber: dto.policyNumber,
        insurerId: insurerId ?? '',
        policyholderKind: dto.policyholderKind,
        policyholderUnitId: dto.policyholderKind === 'owners' ? (dto.policyholderUnitId ?? null) : null,
        policyholderOrganisationId:
          dto.policyholderKind === 'owners' ? null : (dto.policyholderOrganisationId ?? null),
        policyholderName: dto.policyholderName,
        startsOn: dto.startsOn,
        endsOn: dto.endsOn,
        premiumFen: dto.premiumFen,
        coverTypes: dto.coverTypes,
        limits: dto.limits ?? {},
        deductibleFen: dto.deductibleFen ?? 0,
        entrapmentTiers: [...tiers].sort((a, b) => a.minMinutes - b.minMinutes),
        createdBy: p.username,
        elevatorIds: dto.elevatorIds,
      });
      await this.audit.record(tx, p, 'insurance_policy.create', 'insurance_policy', id, { after: dto });
      return policyView((await this.repo.find(id, null, tx)) as PolicyRow, this.clock.today());
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
    return this.repo.transaction(async (tx) => {
      await this.repo.cancel(tx, id, dto.cancelledOn, dto.reason);
      await this.audit.record(tx, p, 'insurance_policy.cancel', 'insurance_policy', id, { ...dto });
      return policyView((await this.repo.find(id, null, tx)) as PolicyRow, this.clock.today());
    });
  }
}
