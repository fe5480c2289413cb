import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { type Response } from 'express';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { AuditService, CurrentPrincipal, type Principal, Roles } from '@liftwatch/access';
import {
  CONTENT_TYPES,
  InvalidInputError,
  LANGS,
  type Lang,
  NotFoundError,
  sendSheets,
  type Page,
  pageOf,
  PageQueryDto,
  TimeRangeQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import {
  type ContractView,
  ContractQueryDto,
  CreateContractDto,
  TerminateContractDto,
} from './contracts/contract.dto';
import { type ConditionCheck, ContractsService } from './contracts/contracts.service';
import {
  CreateInspectionDto,
  type ElevatorInspectionStatus,
  type InspectionView,
  InspectionsService,
} from './inspections/inspections.service';
import { type DailyRunResult, MaintenanceJobs } from './maintenance.jobs';
import { type InspectionPolicy, type IntervalPolicy, MaintenanceRepository } from './maintenance.repository';
import { type NotificationView, NotificationsService } from './notifications/notifications.service';
import { overdueSheets } from './oversight/overdue-export';
import { type OverdueReport, OversightService } from './oversight/oversight.service';
import { LEVELS, type Level } from './plan/levels';
import { type ElevatorPlan, PlanService } from './plan/plan.service';
import { type ChainReport, RecordsService } from './records/records.service';
import { CountersignDto, CreateRecordDto, RecordQueryDto, type RecordView } from './records/record.dto';
import {
  CreateWarrantyDto,
  type WarrantyFaultRow,
  type WarrantyView,
  WarrantiesService,
} from './warranties/warranties.service';

class PlanQueryDto {
  @ApiPropertyOptional({
    default: 90,
    minimum: 0,
    maximum: 400,
    description: 'days of planned visits to list',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(400)
  horizonDays: number = 90;

  @ApiPropertyOptional({ default: false, description: 'only elevators with an overdue level' })
  @IsOptional()
  @Type(() => Boolean)
  @IsBoolean()
  overdue: boolean = false;
}

class ChecklistQueryDto {
  @ApiPropertyOptional({ enum: LEVELS, description: 'items of this level and below' })
  @IsOptional()
  @IsIn(LEVELS)
  level?: Level;
}

class ChecklistItemDto {
  @ApiProperty({ enum: LEVELS })
  @IsIn(LEVELS)
  level!: Level;

  @ApiProperty({ example: 'X01' })
  @Matches(/^[A-Za-z0-9-]{1,20}$/, { message: 'code must be 1-20 letters, digits or -' })
  code!: string;

  @ApiProperty({ example: '轿厢称重装置校验' })
  @IsString()
  @Length(1, 200)
  titleZh!: string;

  @ApiProperty({ example: 'Load weighing check' })
  @IsString()
  @Length(1, 200)
  titleEn!: string;

  @ApiProperty({ example: '准确有效' })
  @IsString()
  @Length(1, 500)
  requirement!: string;
}

class UpdateChecklistItemDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  titleZh?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  titleEn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  requirement?: string;

  @ApiPropertyOptional({ description: 'inactive items are no longer required or listed' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

class OverdueQueryDto {
  @ApiPropertyOptional({ example: '440106', description: "a region within the regulator's own" })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode?: string;
}

class OverdueExportQueryDto extends OverdueQueryDto {
  @ApiPropertyOptional({ enum: LANGS, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;
}

interface ChecklistItem {
  id: string;
  code: string;
  level: Level;
  titleZh: string;
  titleEn: string;
  requirement: string;
  position: number;
}

@ApiTags('maintenance')
@ApiBearerAuth()
@Controller()
export class MaintenanceController {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly contracts: ContractsService,
    private readonly plans: PlanService,
    private readonly records: RecordsService,
    private readonly inspections: InspectionsService,
    private readonly oversight: OversightService,
    private readonly notifications: NotificationsService,
    private readonly warranties: WarrantiesService,
    private readonly jobs: MaintenanceJobs,
    private readonly audit: AuditService,
  ) {}

  // ---- reference data ----

  /** Interval policies: the TSG T5002 standard and the regional on-demand pilots. */
  @Get('maintenance/interval-policies')
  intervalPolicies(): Promise<IntervalPolicy[]> {
    return this.repo.intervalPolicies();
  }

  /** Inspection policies: TSG T7001-2023 and province variants (the most specific region wins). */
  @Get('inspection-policies')
  inspectionPolicies(): Promise<InspectionPolicy[]> {
    return this.repo.inspectionPolicies();
  }

  /** The active checklist for traction elevators, cumulative up to a level. */
  @Get('maintenance/checklist')
  async checklist(@Query() q: ChecklistQueryDto): Promise<ChecklistItem[]> {
    const rank = q.level ? LEVELS.indexOf(q.level) : LEVELS.length - 1;
    return this.repo.query<ChecklistItem>(
      `SELECT id, code, level, title_zh AS "titleZh", title_en AS "titleEn", requirement, position
         FROM maintenance_checklist_items
        WHERE elevator_type = 'traction' AND active AND level IN (:...levels)
        ORDER BY position`,
      { levels: LEVELS.slice(0, rank + 1) },
    );
  }

  /** Add an item to the checklist (admin). Routine records must report it from now on. */
  @Post('maintenance/checklist-items')
  @Roles('admin')
  async addChecklistItem(
    @CurrentPrincipal() p: Principal,
    @Body() dto: ChecklistItemDto,
  ): Promise<ChecklistItem> {
    return this.repo.ds.transaction(async (em) => {
      const [row] = await em.query<ChecklistItem[]>(
        `INSERT INTO maintenance_checklist_items (level, code, title_zh, title_en, requirement, position)
         VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(position), 0) + 1 FROM maintenance_checklist_items))
         RETURNING id, code, level, title_zh AS "titleZh", title_en AS "titleEn", requirement, position`,
        [dto.level, dto.code, dto.titleZh, dto.titleEn, dto.requirement],
      );
      await this.audit.record(em, p, 'checklist_item.create', 'checklist_item', row.id, { after: dto });
      return row;
    });
  }

  /** Edit or retire a checklist item (admin); records already stored keep what they reported. */
  @Patch('maintenance/checklist-items/:id')
  @Roles('admin')
  async updateChecklistItem(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateChecklistItemDto,
  ): Promise<ChecklistItem & { active: boolean }> {
    return this.repo.ds.transaction(async (em) => {
      const rows = await em.query<Array<ChecklistItem & { active: boolean }>>(
        `WITH u AS (
           UPDATE maintenance_checklist_items SET title_zh = coalesce($2, title_zh), title_en = coalesce($3, title_en),
                  requirement = coalesce($4, requirement), active = coalesce($5, active), updated_at = now()
            WHERE id = $1
           RETURNING id, code, level, title_zh AS "titleZh", title_en AS "titleEn", requirement, position, active)
         SELECT * FROM u`,
        [id, dto.titleZh ?? null, dto.titleEn ?? null, dto.requirement ?? null, dto.active ?? null],
      );
      if (rows.length === 0) throw new NotFoundError('Checklist item', id);
      await this.audit.record(em, p, 'checklist_item.update', 'checklist_item', id, { ...dto });
      return rows[0];
    });
  }

  // ---- contracts ----

  @Get('maintenance/contracts')
  async listContracts(
    @CurrentPrincipal() p: Principal,
    @Query() q: ContractQueryDto,
  ): Promise<Page<ContractView>> {
    const [items, total] = await this.contracts.list(p, q);
    return pageOf(items, total, q);
  }

  /** Sign a contract for a unit (agent for its own unit, or admin). On-demand policies check entry conditions. */
  @Post('maintenance/contracts')
  @Roles('admin', 'agent')
  createContract(@CurrentPrincipal() p: Principal, @Body() dto: CreateContractDto): Promise<ContractView> {
    return this.contracts.create(p, dto);
  }

  @Get('maintenance/contracts/:id')
  getContract(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<ContractView> {
    return this.contracts.get(p, id);
  }

  @Post('maintenance/contracts/:id/terminate')
  @HttpCode(200)
  @Roles('admin', 'agent')
  terminate(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: TerminateContractDto,
  ): Promise<ContractView> {
    return this.contracts.terminate(p, id, dto);
  }

  /** The daily on-demand condition checks of a contract (last 90). */
  @Get('maintenance/contracts/:id/condition-checks')
  checks(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<ConditionCheck[]> {
    return this.contracts.checks(p, id);
  }

  // ---- plan ----

  /** Due dates per level and the planned visits of one elevator. */
  @Get('elevators/:id/maintenance-plan')
  plan(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PlanQueryDto,
  ): Promise<ElevatorPlan> {
    return this.plans.forElevator(p, id, q.horizonDays);
  }

  /** Plans of every contracted elevator the caller sees, soonest due first (a firm's work list). */
  @Get('maintenance/plan')
  plansForCaller(@CurrentPrincipal() p: Principal, @Query() q: PlanQueryDto): Promise<ElevatorPlan[]> {
    return this.plans.forCaller(p, q.horizonDays, q.overdue);
  }

  // ---- records ----

  @Get('maintenance/records')
  async listRecords(@CurrentPrincipal() p: Principal, @Query() q: RecordQueryDto): Promise<Page<RecordView>> {
    const [items, total] = await this.records.list(p, q);
    return pageOf(items, total, q);
  }

  @Get('maintenance/records/:id')
  getRecord(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<RecordView> {
    return this.records.get(p, id);
  }

  /** Record a visit (the maintaining firm). Appended to the elevator's hash chain; never edited. */
  @Post('elevators/:id/maintenance-records')
  @Roles('admin', 'firm')
  createRecord(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CreateRecordDto,
  ): Promise<RecordView> {
    return this.records.create(p, id, dto);
  }

  /** Countersignature by the owners' safety manager (owner, agent or admin). */
  @Post('maintenance/records/:id/countersign')
  @HttpCode(200)
  @Roles('admin', 'agent', 'owner')
  countersign(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CountersignDto,
  ): Promise<RecordView> {
    return this.records.countersign(p, id, dto);
  }

  /** Recompute the elevator's record chain; names every record whose stored content or link changed. */
  @Get('elevators/:id/maintenance-records/verification')
  verify(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<ChainReport> {
    return this.records.verify(p, id);
  }

  // ---- inspections ----

  @Get('elevators/:id/inspections')
  listInspections(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<InspectionView[]> {
    return this.inspections.list(p, id);
  }

  @Post('elevators/:id/inspections')
  @Roles('admin', 'agent', 'firm')
  createInspection(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CreateInspectionDto,
  ): Promise<InspectionView> {
    return this.inspections.create(p, id, dto);
  }

  /** Next inspection or self-test, its apply-by date, and the yearly schedule under the region's policy. */
  @Get('elevators/:id/inspection-status')
  inspectionStatus(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
  ): Promise<ElevatorInspectionStatus> {
    return this.inspections.status(p, id);
  }

  // ---- warranties ----

  @Get('elevators/:id/warranties')
  listWarranties(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<WarrantyView[]> {
    return this.warranties.list(p, id);
  }

  @Post('elevators/:id/warranties')
  @Roles('admin', 'agent')
  createWarranty(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CreateWarrantyDto,
  ): Promise<WarrantyView> {
    return this.warranties.create(p, id, dto);
  }

  /** Faults during warranty per responsible organisation; `from` defaults to a year before `to`. */
  @Get('reports/warranty-faults')
  warrantyFaults(
    @CurrentPrincipal() p: Principal,
    @Query() q: TimeRangeQueryDto,
  ): Promise<WarrantyFaultRow[]> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 365 * 86_400_000);
    if (from >= to) throw InvalidInputError.field('from', 'from must be before to');
    return this.warranties.faults(p, from, to);
  }

  // ---- regulator ----

  /** Overdue inspections and maintenance in the regulator's region (or a sub-region), with counts per firm. */
  @Get('oversight/overdue')
  @Roles('admin', 'regulator')
  overdue(@CurrentPrincipal() p: Principal, @Query() q: OverdueQueryDto): Promise<OverdueReport> {
    return this.oversight.overdue(p, q.regionCode);
  }

  /** The same as CSV (UTF-8 with BOM, one table); Chinese headers unless `lang=en`. */
  @Get('oversight/overdue.csv')
  @Roles('admin', 'regulator')
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string' } })
  async overdueCsv(
    @CurrentPrincipal() p: Principal,
    @Query() q: OverdueExportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const { combined } = overdueSheets(await this.oversight.overdue(p, q.regionCode), q.lang ?? 'zh-CN');
    await sendSheets(res, 'csv', `overdue-${q.regionCode ?? p.regionCode ?? 'all'}`, [combined]);
  }

  /** The same as an Excel/WPS workbook: inspections, maintenance and per-firm counts as sheets. */
  @Get('oversight/overdue.xlsx')
  @Roles('admin', 'regulator')
  @ApiProduces(CONTENT_TYPES.xlsx)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async overdueXlsx(
    @CurrentPrincipal() p: Principal,
    @Query() q: OverdueExportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const { sheets } = overdueSheets(await this.oversight.overdue(p, q.regionCode), q.lang ?? 'zh-CN');
    await sendSheets(res, 'xlsx', `overdue-${q.regionCode ?? p.regionCode ?? 'all'}`, sheets);
  }

  // ---- notifications and jobs ----

  /** Reminders addressed to the caller's organisation or units, newest first. */
  @Get('notifications')
  listNotifications(
    @CurrentPrincipal() p: Principal,
    @Query() q: PageQueryDto,
  ): Promise<Page<NotificationView>> {
    return this.notifications.list(p, q);
  }

  /** Run the daily maintenance job now (on-demand re-checks, reminders). Admin only. */
  @Post('jobs/maintenance-daily/run')
  @HttpCode(200)
  @Roles('admin')
  runDaily(@Param() _params: Record<string, never>): Promise<DailyRunResult> {
    return this.jobs.runDaily(true);
  }
}
