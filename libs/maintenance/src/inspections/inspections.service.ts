import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Injectable } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';
import { AuditService, type Principal } from '@liftwatch/access';
import {
  ForbiddenError,
  InvalidInputError,
  IsCalendarDate,
  IsCalendarMonth,
  NotFoundError,
} from '@liftwatch/contract';
import { MaintenanceRepository } from '../maintenance.repository';
import { InspectionRepository } from './inspection.repository';
import { type InspectionKind, type InspectionResult } from './inspection-schedule';
import { type InspectionStatusView, type InspectionView } from './inspection.dto';

export class CreateInspectionDto {
  @ApiProperty({ enum: ['installation', 'periodic', 'self_test'] })
  @IsIn(['installation', 'periodic', 'self_test'])
  kind!: InspectionKind;

  @ApiProperty({ example: '2026-03-11' })
  @IsCalendarDate()
  inspectedOn!: string;

  @ApiProperty({ enum: ['pass', 'pass_after_rectification', 'fail'] })
  @IsIn(['pass', 'pass_after_rectification', 'fail'])
  result!: InspectionResult;

  @ApiPropertyOptional({
    example: '2027-03',
    description: 'next inspection month printed on the certificate',
  })
  @IsOptional()
  @IsCalendarMonth()
  nextDueMonth?: string;

  @ApiProperty({ example: 'DJ-2026-440106-00321' })
  @IsString()
  @Length(1, 60)
  reportNumber!: string;

  @ApiPropertyOptional({ example: '梯11粤A12345(21)' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  certificateNumber?: string;

  @ApiProperty({ example: '广州市特种设备检测研究院' })
  @IsString()
  @Length(1, 120)
  inspectorOrganisation!: string;

  @ApiPropertyOptional({ example: 38000, description: 'fee in fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  feeFen?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'the report this one corrects' })
  @IsOptional()
  @IsUUID()
  supersedesId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  remarks?: string;
}

/**
 * Periodic inspections and self-tests (TSG T7001-2023): append-only reports, and each elevator's
 * schedule under its region's policy. Reports are entered by the owners' side (agent), the firm
 * that maintains the elevator, or an admin.
 */
@Injectable()
export class InspectionsService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly reports: InspectionRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal, elevatorId: string): Promise<InspectionView[]> {
    await this.visible(p, elevatorId);
    return this.reports.ofElevator(elevatorId);
  }

  async create(p: Principal, elevatorId: string, dto: CreateInspectionDto): Promise<InspectionView> {
    await this.visible(p, elevatorId);
    if (!['admin', 'agent', 'firm'].includes(p.role)) {
      throw new ForbiddenError(
        'NOT_ALLOWED',
        'inspection reports are filed by the owners, their agent or the maintenance firm',
      );
    }
    if (dto.inspectedOn > this.repo.today())
      throw InvalidInputError.field('inspectedOn', 'inspectedOn must not be in the future');
    if (dto.nextDueMonth && dto.nextDueMonth <= dto.inspectedOn.slice(0, 7)) {
      throw InvalidInputError.field('nextDueMonth', 'nextDueMonth must be after the inspection month');
    }
    if (dto.supersedesId) {
      const target = await this.reports.find(dto.supersedesId);
      if (target?.elevatorId !== elevatorId) {
        throw InvalidInputError.field('supersedesId', 'supersedesId must be a report of this elevator');
      }
    }
    return this.reports.transaction(async (tx) => {
      const id = await this.reports.insert(tx, elevatorId, dto, p.username);
      await this.audit.record(tx, p, 'inspection.create', 'inspection_record', id, { elevatorId, ...dto });
      return (await this.reports.find(id, tx)) as InspectionView;
    });
  }

  /** Where the elevator stands, with its schedule listed `horizonYears` beyond the next obligation. */
  async status(p: Principal, elevatorId: string, horizonYears = 3): Promise<InspectionStatusView> {
    await this.visible(p, elevatorId);
    const elevators = await this.repo.elevators([elevatorId]);
    const status = (
      await this.repo.inspectionStatuses(elevators, undefined, undefined, null, horizonYears)
    ).get(elevatorId);
    if (!status) throw new NotFoundError('Elevator', elevatorId);
    return { elevatorId, ...status };
  }

  private async visible(p: Principal, elevatorId: string): Promise<void> {
    if (!(await this.repo.canSeeElevator(p, elevatorId))) throw new NotFoundError('Elevator', elevatorId);
  }
}
