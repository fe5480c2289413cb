import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { AuditService, type Principal } from '@liftwatch/access';
import { ForbiddenError, InvalidInputError, IsCalendarDate, NotFoundError } from '@liftwatch/contract';
import { MaintenanceRepository } from '../maintenance.repository';
import { WarrantyRepository } from './warranty.repository';
import { type WarrantyFaultRow, type WarrantyView } from './warranty.dto';

export const WARRANTY_KINDS = ['design', 'construction', 'installation', 'manufacturer'] as const;
export type WarrantyKind = (typeof WARRANTY_KINDS)[number];
const ORG_KIND: Record<WarrantyKind, string> = {
  design: 'designer',
  construction: 'constructor',
  installation: 'installer',
  manufacturer: 'manufacturer',
};

export class CreateWarrantyDto {
  @ApiProperty({ enum: WARRANTY_KINDS })
  @IsIn(WARRANTY_KINDS)
  kind!: WarrantyKind;

  @ApiProperty({
    format: 'uuid',
    description: 'the responsible designer, constructor, installer or manufacturer',
  })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ example: '2021-06-18' })
  @IsCalendarDate()
  startsOn!: string;

  @ApiProperty({ example: '2023-06-17', description: 'last day covered (inclusive)' })
  @IsCalendarDate()
  endsOn!: string;

  @ApiPropertyOptional({ example: '整机质保两年，含零部件' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  terms?: string;
}

/**
 * Design, construction and installation warranties (and the manufacturer's) per elevator, and the
 * faults that happened while each was running, per responsible organisation.
 */
@Injectable()
export class WarrantiesService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly warranties: WarrantyRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal, elevatorId: string): Promise<WarrantyView[]> {
    if (!(await this.repo.canSeeElevator(p, elevatorId))) throw new NotFoundError('Elevator', elevatorId);
    return this.warranties.ofElevator(elevatorId, this.repo.today());
  }

  async create(p: Principal, elevatorId: string, dto: CreateWarrantyDto): Promise<WarrantyView> {
    if (!(await this.repo.canSeeElevator(p, elevatorId))) throw new NotFoundError('Elevator', elevatorId);
    if (p.role !== 'admin' && p.role !== 'agent') {
      throw new ForbiddenError('OWNERS_ONLY', 'warranties are recorded by the owners (agent) or an admin');
    }
    if (dto.endsOn < dto.startsOn)
      throw InvalidInputError.field('endsOn', 'endsOn must not be before startsOn');
    const orgKind = await this.warranties.organisationKind(dto.organisationId);
    if (!orgKind) throw InvalidInputError.field('organisationId', 'organisation does not exist');
    if (orgKind !== ORG_KIND[dto.kind]) {
      throw InvalidInputError.field(
        'organisationId',
        `a ${dto.kind} warranty is given by a ${ORG_KIND[dto.kind]}, not a ${orgKind}`,
      );
    }
    return this.warranties.transaction(async (tx) => {
      const id = await this.warranties.insert(tx, {
        elevatorId,
        kind: dto.kind,
        organisationId: dto.organisationId,
        startsOn: dto.startsOn,
        endsOn: dto.endsOn,
        terms: dto.terms ?? null,
      });
      await this.audit.record(tx, p, 'warranty.create', 'elevator_warranty', id, { elevatorId, ...dto });
      return (await this.warranties.find(id, this.repo.today(), tx)) as WarrantyView;
    });
  }

  /** Alarms (device faults, entrapments; not offline) raised while each warranty ran, in [from, to). */
  async faults(p: Principal, from: Date, to: Date): Promise<WarrantyFaultRow[]> {
    const rows = await this.warranties.faultCounts(
      this.repo.visibility.elevators(p),
      from,
      to,
      this.repo.timeZone,
    );
    const out = new Map<string, WarrantyFaultRow & { elevatorSet: Set<string> }>();
    for (const r of rows) {
      const key = `${r.organisation_id}:${r.kind}`;
      let row = out.get(key);
      if (!row) {
        row = {
          organisationId: r.organisation_id,
          organisationName: r.organisation_name,
          kind: r.kind,
          elevators: 0,
          faults: 0,
          entrapments: 0,
          byType: {},
          elevatorSet: new Set(),
        };
        out.set(key, row);
      }
      row.elevatorSet.add(r.elevator_id);
      row.elevators = row.elevatorSet.size;
      const n = Number(r.n);
      if (r.type && n > 0) {
        row.faults += n;
        row.byType[r.type] = (row.byType[r.type] ?? 0) + n;
        if (r.type === 'entrapment') row.entrapments += n;
      }
    }
    return [...out.values()]
      .map(({ elevatorSet, ...r }) => ({ ...r, elevators: elevatorSet.size }))
      .sort((a, b) => b.faults - a.faults || a.organisationName.localeCompare(b.organisationName));
  }
}
