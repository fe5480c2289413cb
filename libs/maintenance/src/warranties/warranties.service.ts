import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { AuditService, type Principal } from '@liftwatch/access';
import { ForbiddenError, InvalidInputError, IsCalendarDate, NotFoundError } from '@liftwatch/contract';
import { MaintenanceRepository } from '../maintenance.repository';
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

const SELECT = `
  SELECT w.id, w.elevator_id AS "elevatorId", w.kind, w.organisation_id AS "organisationId", o.name AS "organisationName",
         to_char(w.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(w.ends_on, 'YYYY-MM-DD') AS "endsOn", w.terms,
         (w.starts_on <= :today AND w.ends_on >= :today) AS "activeToday"
    FROM elevator_warranties w JOIN organisations o ON o.id = w.organisation_id`;

/**
 * Design, construction and installation warranties (and the manufacturer's) per elevator, and the
 * faults that happened while each was running, per responsible organisation.
 */
@Injectable()
export class WarrantiesService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal, elevatorId: string): Promise<WarrantyView[]> {
    if (!(await this.repo.canSeeElevator(p, elevatorId))) throw new NotFoundError('Elevator', elevatorId);
    return this.repo.query<WarrantyView>(
      `${SELECT} WHERE w.elevator_id = :elevatorId ORDER BY w.kind, w.starts_on`,
      {
        elevatorId,
        today: this.repo.today(),
      },
    );
  }

  async create(p: Principal, elevatorId: string, dto: CreateWarrantyDto): Promise<WarrantyView> {
    if (!(await this.repo.canSeeElevator(p, elevatorId))) throw new NotFoundError('Elevator', elevatorId);
    if (p.role !== 'admin' && p.role !== 'agent') {
      throw new ForbiddenError('OWNERS_ONLY', 'warranties are recorded by the owners (agent) or an admin');
    }
    if (dto.endsOn < dto.startsOn)
      throw InvalidInputError.field('endsOn', 'endsOn must not be before startsOn');
    const [org] = await this.repo.query<{ kind: string }>(`SELECT kind FROM organisations WHERE id = :id`, {
      id: dto.organisationId,
    });
    if (!org) throw InvalidInputError.field('organisationId', 'organisation does not exist');
    if (org.kind !== ORG_KIND[dto.kind]) {
      throw InvalidInputError.field(
        'organisationId',
        `a ${dto.kind} warranty is given by a ${ORG_KIND[dto.kind]}, not a ${org.kind}`,
      );
    }
    return this.repo.ds.transaction(async (em) => {
      const [row] = await em.query<Array<{ id: string }>>(
        `INSERT INTO elevator_warranties (elevator_id, kind, organisation_id, starts_on, ends_on, terms)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [elevatorId, dto.kind, dto.organisationId, dto.startsOn, dto.endsOn, dto.terms ?? null],
      );
      await this.audit.record(em, p, 'warranty.create', 'elevator_warranty', row.id, { elevatorId, ...dto });
      const [saved] = await this.repo.query<WarrantyView>(
        `${SELECT} WHERE w.id = :id`,
        { id: row.id, today: this.repo.today() },
        em,
      );
      return saved;
    });
  }

  /** Alarms (device faults, entrapments; not offline) raised while each warranty ran, in [from, to). */
  async faults(p: Principal, from: Date, to: Date): Promise<WarrantyFaultRow[]> {
    const scope = this.repo.scope('w.elevator_id', this.repo.visibility.elevators(p));
    const rows = await this.repo.query<{
      organisation_id: string;
      organisation_name: string;
      kind: WarrantyKind;
      elevator_id: string;
      type: string | null;
      n: string;
    }>(
      `SELECT w.organisation_id, o.name AS organisation_name, w.kind,
              w.elevator_id, a.type, count(a.id) AS n
         FROM elevator_warranties w
         JOIN organisations o ON o.id = w.organisation_id
         LEFT JOIN alarms a ON a.elevator_id = w.elevator_id AND a.type <> 'offline'
              AND a.first_seen_ts >= GREATEST(CAST(:from AS timestamptz), (w.starts_on::timestamp AT TIME ZONE :tz))
              AND a.first_seen_ts < LEAST(CAST(:to AS timestamptz), ((w.ends_on + 1)::timestamp AT TIME ZONE :tz))
        WHERE w.starts_on < (CAST(:to AS timestamptz) AT TIME ZONE :tz)::date + 1 AND w.ends_on >= (CAST(:from AS timestamptz) AT TIME ZONE :tz)::date
        ${scope.sql}
        GROUP BY w.organisation_id, o.name, w.kind, w.elevator_id, a.type`,
      { from, to, tz: this.repo.timeZone, ...scope.params },
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
