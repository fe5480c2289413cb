import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { type Response } from 'express';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, ReadsOne } from '@liftwatch/access';
import {
  CONTENT_TYPES,
  LangQueryDto,
  type Page,
  pageOf,
  sendDownload,
  sendSheets,
  UuidParam,
  PageOf,
  PageQueryDto,
  pageArray,
} from '@liftwatch/contract';
import {
  AdvancePhaseDto,
  AgreementDto,
  BallotsDto,
  CostEntryDto,
  CreateProjectDto,
  FundingRequestDto,
  MonthDto,
  StatementQueryDto,
} from './costs.dto';
import { CostsJobs } from './costs.jobs';
import { ProjectsService } from './projects.service';
import {
  AgreementPreviewView,
  AgreementVersionView,
  BallotView,
  CostEntryView,
  FundingView,
  MonthlyRunView,
  ProjectView,
  VoteResultView,
} from './costs.dto';
import { statementCsvSheet, statementPdf, statementSheets } from './statements/statement-documents';
import { type StatementView, StatementsService } from './statements/statements.service';
import { CreatedId, IssuableMonthsView, StatementDto, StatementPageDto } from './statements/statement.dto';

@ApiTags('owners: project and costs')
@ApiBearerAuth()
@Controller()
export class CostsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly statements: StatementsService,
    private readonly jobs: CostsJobs,
  ) {}

  @Get('projects')
  @ApiOkResponse({ type: PageOf(ProjectView) })
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<Page<ProjectView>> {
    return pageArray(await this.projects.list(p), q);
  }

  /** Start the retrofit project of a unit (its agent, or an admin). */
  @Post('projects')
  @Roles('admin', 'agent')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateProjectDto): Promise<ProjectView> {
    return this.projects.create(p, dto);
  }

  @ReadsOne<CostsController>((c, p, id) => c.projects.get(p, id))
  @Get('projects/:id')
  get(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<ProjectView> {
    return this.projects.get(p, id);
  }

  /** Open the next phase (dated). Gates: a passing vote and an agreement; an elevator for operation. */
  @Post('projects/:id/phase')
  @HttpCode(200)
  @Roles('admin', 'agent')
  advance(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: AdvancePhaseDto,
  ): Promise<ProjectView> {
    return this.projects.advance(p, id, dto);
  }

  /** Record ballots while the vote is open; returns the tally with each condition. */
  @Post('projects/:id/ballots')
  @HttpCode(200)
  @Roles('admin', 'agent', 'owner')
  ballots(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: BallotsDto,
  ): Promise<VoteResultView> {
    return this.projects.recordBallots(p, id, dto);
  }

  /** The consent vote: which of the four conditions hold, and by how much the others fall short. */
  @Get('projects/:id/vote')
  vote(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<VoteResultView> {
    return this.projects.vote(p, id);
  }

  /** Record (a new version of) the project agreement: budget, split schemes, operating model, tariff. */
  @Post('projects/:id/agreement')
  @Roles('admin', 'agent')
  agreement(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: AgreementDto,
  ): Promise<ProjectView> {
    return this.projects.recordAgreement(p, id, dto);
  }

  /** Every version of the agreement, newest first; the newest applies from its signing. */
  @Get('projects/:id/agreements')
  @ApiOkResponse({ type: PageOf(AgreementVersionView) })
  async agreements(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<AgreementVersionView>> {
    return pageArray(await this.projects.agreements(p, id), q);
  }

  /**
   * Each flat's construction share, subsidy and running-cost share under an agreement, before
   * recording it (the same checks; nothing stored).
   */
  @Post('projects/:id/agreement/preview')
  @HttpCode(200)
  @Roles('admin', 'agent')
  @ApiOkResponse({ type: AgreementPreviewView })
  preview(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: AgreementDto,
  ): Promise<AgreementPreviewView> {
    return this.projects.previewAgreement(p, id, dto);
  }

  /** Each flat of the project and its ballot (answer, recorded when and by whom), for the vote sheet. */
  @Get('projects/:id/ballots')
  @ApiOkResponse({ type: PageOf(BallotView) })
  async ballotList(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<BallotView>> {
    return pageArray(await this.projects.ballots(p, id), q);
  }

  /** Per-owner construction funding: share, subsidy, provident fund (capped), maintenance fund, cash. */
  @Get('projects/:id/funding')
  @ApiOkResponse({ type: PageOf(FundingView) })
  async funding(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<FundingView>> {
    return pageArray(await this.projects.funding(p, id), q);
  }

  @Post('projects/:id/funding')
  @HttpCode(200)
  @Roles('admin', 'agent')
  setFunding(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: FundingRequestDto,
  ): Promise<FundingView[]> {
    return this.projects.setFunding(p, id, dto);
  }

  /** A repair or other cost not covered by contract or insurance, charged in the month it occurred. */
  @Post('projects/:id/cost-entries')
  @Roles('admin', 'agent')
  costEntry(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CostEntryDto,
  ): Promise<CreatedId> {
    return this.projects.addCostEntry(p, id, dto);
  }

  /** The unit's cost entries, latest first. */
  @Get('projects/:id/cost-entries')
  @ApiOkResponse({ type: PageOf(CostEntryView) })
  async costEntries(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: PageQueryDto,
  ): Promise<Page<CostEntryView>> {
    const [items, total] = await this.projects.costEntries(p, id, q.limit, q.offset);
    return pageOf(items, total, q);
  }

  /** The months the agent may issue: ended months since operation, each with whether it is issued. */
  @Get('projects/:id/issuable-months')
  @Roles('admin', 'agent')
  @ApiOkResponse({ type: IssuableMonthsView })
  issuableMonths(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<IssuableMonthsView> {
    return this.statements.issuableMonths(p, id);
  }

  /** Issue the running-cost statement of an ended month (on demand; the monthly job does it too). */
  @Post('projects/:id/statements')
  @Roles('admin', 'agent')
  @ApiCreatedResponse({ type: StatementDto })
  issue(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: MonthDto,
  ): Promise<StatementView> {
    return this.statements.issue(p, id, dto.month);
  }

  /** Statements: an owner sees the units they held a flat in, and only their own rows. */
  @Get('statements')
  @ApiOkResponse({ type: StatementPageDto })
  async listStatements(
    @CurrentPrincipal() p: Principal,
    @Query() q: StatementQueryDto,
  ): Promise<Page<StatementView>> {
    const { items, total } = await this.statements.list(p, q, q.limit, q.offset, q.lang);
    return pageOf(items, total, q);
  }

  @ReadsOne<CostsController>((c, p, id) => c.statements.get(p, id))
  @Get('statements/:id')
  @ApiOkResponse({ type: StatementDto })
  statement(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: LangQueryDto,
  ): Promise<StatementView> {
    return this.statements.get(p, id, q.lang);
  }

  /** Run the monthly statement job now for an ended month (admin). */
  @Post('jobs/monthly-statements/run')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: MonthlyRunView })
  runMonthly(@Body() dto: MonthDto): Promise<MonthlyRunView> {
    return this.jobs.run(dto.month, true);
  }

  /** The statement to read and print (Chinese font embedded; `?lang=en` for English). */
  @Get('statements/:id/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async statementPdf(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: LangQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const lang = q.lang ?? 'zh-CN';
    const s = await this.statements.get(p, id, lang);
    const body = await statementPdf(s, lang, p.role === 'owner' ? (p.ownerId ?? null) : null);
    sendDownload(res, { name: `${s.statementNumber}.pdf`, contentType: CONTENT_TYPES.pdf, body });
  }

  /** Costs and shares as CSV (UTF-8 with BOM). */
  @Get('statements/:id/csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string' } })
  async statementCsv(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: LangQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const lang = q.lang ?? 'zh-CN';
    const s = await this.statements.get(p, id, lang);
    await sendSheets(res, 'csv', s.statementNumber, [statementCsvSheet(s, lang)]);
  }

  /** Costs and shares as an Excel/WPS workbook (two sheets). */
  @Get('statements/:id/xlsx')
  @ApiProduces(CONTENT_TYPES.xlsx)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async statementXlsx(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Query() q: LangQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const lang = q.lang ?? 'zh-CN';
    const s = await this.statements.get(p, id, lang);
    await sendSheets(res, 'xlsx', s.statementNumber, statementSheets(s, lang));
  }
}
