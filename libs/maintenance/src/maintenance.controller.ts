import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { type Response } from 'express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Clock } from '@liftwatch/calendar';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import {
  CONTENT_TYPES,
  type Page,
  pageArray,
  pageOf,
  PageOf,
  PageQueryDto,
  resolveTimeRange,
  sendSheets,
  TimeRangeQueryDto,
  UuidParam,
} from '@liftwatch/contract';
import {
  ContractView,
  ContractQueryDto,
  CreateContractDto,
  TerminateContractDto,
} from './contracts/contract.dto';
import { ChecklistService } from './checklist/checklist.service';
import { ContractsService } from './contracts/contracts.service';
import { CreateInspectionDto, InspectionsService } from './inspections/inspections.service';
import { MaintenanceJobs } from './maintenance.jobs';
import { MaintenanceRepository } from './maintenance.repository';
import { NotificationsService } from './notifications/notifications.service';
import { overdueSheets } from './oversight/overdue-export';
import { OversightService } from './oversight/oversight.service';
import { LEVELS } from './plan/levels';
import { PlanService } from './plan/plan.service';
import { RecordsService } from './records/records.service';
import {
  CountersignDto,
  CreateRecordDto,
  PhotoView,
  RecordQueryDto,
  RecordView,
  type UploadedFile as Upload,
} from './records/record.dto';
import { CreateWarrantyDto, WarrantiesService } from './warranties/warranties.service';
import {
  ChecklistItem,
  ChecklistItemDto,
  ChecklistItemState,
  ChecklistQueryDto,
  ConditionCheckView,
  InspectionPolicyView,
  IntervalPolicyView,
  DailyRunResult,
  InspectionHorizonDto,
  OverdueExportQueryDto,
  OverdueQueryDto,
  PlanQueryDto,
  UpdateChecklistItemDto,
} from './maintenance.dto';
import { NotificationView } from '@liftwatch/registry';
import { OverdueReport } from './oversight/oversight.dto';
import { ElevatorPlan } from './plan/plan.dto';
import { ChainReport } from './records/record.dto';
import { InspectionStatusView, InspectionView } from './inspections/inspection.dto';
import { WarrantyFaultRow, WarrantyView } from './warranties/warranty.dto';

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
    private readonly checklists: ChecklistService,
    private readonly clock: Clock,
  ) {}

  // ---- reference data ----

  /** Interval policies: the TSG T5002 standard and the regional on-demand pilots. */
  @Get('maintenance/interval-policies')
  @ApiOkResponse({ type: PageOf(IntervalPolicyView) })
  async intervalPolicies(@Query() q: PageQueryDto): Promise<Page<IntervalPolicyView>> {
    return pageArray(await this.repo.intervalPolicies(), q);
  }

  /** Inspection policies: TSG T7001-2023 and province variants (the most specific region wins). */
  @Get('inspection-policies')
  @ApiOkResponse({ type: PageOf(InspectionPolicyView) })
  async inspectionPolicies(@Query() q: PageQueryDto): Promise<Page<InspectionPolicyView>> {
    return pageArray(await this.repo.inspectionPolicies(), q);
  }

  /** The active checklist for traction elevators, cumulative up to a level. */
  @Get('maintenance/checklist')
  @ApiOkResponse({ type: PageOf(ChecklistItem) })
  async checklist(@Query() q: ChecklistQueryDto): Promise<Page<ChecklistItem>> {
    return pageArray(await this.checklists.list(q.level ?? LEVELS[LEVELS.length - 1]), q);
  }

  /** Add an item to the checklist (admin). Routine records must report it from now on. */
  @Post('maintenance/checklist-items')
  @Roles('admin')
  addChecklistItem(@CurrentPrincipal() p: Principal, @Body() dto: ChecklistItemDto): Promise<ChecklistItem> {
    return this.checklists.add(p, dto);
  }

  /** Edit or retire a checklist item (admin); records already stored keep what they reported. */
  @Patch('maintenance/checklist-items/:id')
  @Roles('admin')
  updateChecklistItem(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: UpdateChecklistItemDto,
  ): Promise<ChecklistItemState> {
    return this.checklists.update(p, id, dto);
  }

  // ---- contracts ----

  @Get('maintenance/contracts')
  @ApiOkResponse({ type: PageOf(ContractView) })
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

  @ReadsOne<MaintenanceController>((c, p, id) => c.contracts.get(p, id))
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
  @ApiOkResponse({ type: PageOf(ConditionCheckView) })
  async checks(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<ConditionCheckView>> {
    return pageArray(await this.contracts.checks(p, id), q);
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
  @ApiOkResponse({ type: PageOf(ElevatorPlan) })
  async plansForCaller(
    @CurrentPrincipal() p: Principal,
    @Query() q: PlanQueryDto,
  ): Promise<Page<ElevatorPlan>> {
    return pageArray(await this.plans.forCaller(p, q.horizonDays, q.overdue), q);
  }

  // ---- records ----

  @Get('maintenance/records')
  @ApiOkResponse({ type: PageOf(RecordView) })
  async listRecords(@CurrentPrincipal() p: Principal, @Query() q: RecordQueryDto): Promise<Page<RecordView>> {
    const [items, total] = await this.records.list(p, q);
    return pageOf(items, total, q);
  }

  @ReadsOne<MaintenanceController>((c, p, id) => c.records.get(p, id))
  @Get('maintenance/records/:id')
  getRecord(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<RecordView> {
    return this.records.get(p, id);
  }

  /** Record a visit (the maintaining firm). Appended to the elevator's hash chain; never edited. */
  @Post('elevators/:id/maintenance-records')
  @Roles('admin', 'firm', 'technician')
  createRecord(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CreateRecordDto,
  ): Promise<RecordView> {
    return this.records.create(p, id, dto);
  }

  /**
   * A photo taken at a visit (multipart field `file`; JPEG, PNG or WebP). Returns its SHA-256,
   * which the record lists in `photos`. The same photo uploaded twice is stored once.
   */
  @Post('elevators/:id/maintenance-photos')
  @Roles('admin', 'firm', 'technician')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' } },
      required: ['file'],
    },
  })
  @ApiCreatedResponse({ type: PhotoView })
  @UseInterceptors(FileInterceptor('file'))
  uploadPhoto(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @UploadedFile() file: Upload | undefined,
  ): Promise<PhotoView> {
    return this.records.uploadPhoto(p, id, file);
  }

  @Get('maintenance/records/:id/photos/:sha256')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'the photo as uploaded' })
  async recordPhoto(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Param('sha256') sha256: string,
    @Res() res: Response,
  ): Promise<void> {
    const { contentType, content } = await this.records.photo(p, id, sha256);
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.send(content);
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
  @ApiOkResponse({ type: PageOf(InspectionView) })
  async listInspections(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<InspectionView>> {
    return pageArray(await this.inspections.list(p, id), q);
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
    @Query() q: InspectionHorizonDto,
  ): Promise<InspectionStatusView> {
    return this.inspections.status(p, id, q.years ?? 3);
  }

  // ---- warranties ----

  @Get('elevators/:id/warranties')
  @ApiOkResponse({ type: PageOf(WarrantyView) })
  async listWarranties(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<WarrantyView>> {
    return pageArray(await this.warranties.list(p, id), q);
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
    const { from, to } = resolveTimeRange(q, this.clock.now(), 365);
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
  @ApiOkResponse({ type: PageOf(NotificationView) })
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
