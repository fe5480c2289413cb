import { Body, Controller, Get, Header, HttpCode, Post, Query, Res } from '@nestjs/common';
import { type Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditService, CurrentPrincipal, type Principal, Roles } from '@liftwatch/access';
import { InvalidInputError, UuidParam } from '@liftwatch/contract';
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
import { type ProjectView, ProjectsService } from './projects.service';
import { type VoteResult } from './rules/consent-vote';
import { type FundingLine } from './rules/funding';
import { type StatementView, StatementsService } from './statements.service';

@ApiTags('owners: project and costs')
@ApiBearerAuth()
@Controller()
export class CostsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly statements: StatementsService,
    private readonly audit: AuditService,
    private readonly jobs: CostsJobs,
  ) {}

  @Get('projects')
  list(@CurrentPrincipal() p: Principal): Promise<ProjectView[]> {
    return this.projects.list(p);
  }

  /** Start the retrofit project of a unit (its agent, or an admin). */
  @Post('projects')
  @Roles('admin', 'agent')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateProjectDto): Promise<ProjectView> {
    return this.projects.create(p, dto);
  }

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
  ): Promise<VoteResult> {
    return this.projects.recordBallots(p, id, dto);
  }

  /** The consent vote: which of the four conditions hold, and by how much the others fall short. */
  @Get('projects/:id/vote')
  vote(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<VoteResult> {
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

  /** Per-owner construction funding: share, subsidy, provident fund (capped), maintenance fund, cash. */
  @Get('projects/:id/funding')
  funding(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<FundingLine[]> {
    return this.projects.funding(p, id);
  }

  @Post('projects/:id/funding')
  @HttpCode(200)
  @Roles('admin', 'agent')
  setFunding(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: FundingRequestDto,
  ): Promise<FundingLine[]> {
    return this.projects.setFunding(p, id, dto);
  }

  /** A repair or other cost not covered by contract or insurance, charged in the month it occurred. */
  @Post('projects/:id/cost-entries')
  @Roles('admin', 'agent')
  async costEntry(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: CostEntryDto,
  ): Promise<{ id: string }> {
    this.projects.requireManager(p);
    const project = await this.projects.find(p, id);
    if (dto.elevatorId) {
      const e = await this.projects.repo.query(`SELECT 1 FROM elevators WHERE id = :id AND unit_id = :u`, {
        id: dto.elevatorId,
        u: project.unit_id,
      });
      if (e.length === 0)
        throw InvalidInputError.field('elevatorId', "not an elevator of the project's unit");
    }
    return this.projects.repo.ds.transaction(async (em) => {
      const [row] = await em.query<Array<{ id: string }>>(
        `INSERT INTO cost_entries (unit_id, elevator_id, occurred_on, category, amount_fen, description, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          project.unit_id,
          dto.elevatorId ?? null,
          dto.occurredOn,
          dto.category,
          dto.amountFen,
          dto.description,
          p.username,
        ],
      );
      await this.audit.record(em, p, 'cost_entry.create', 'retrofit_project', id, { ...dto });
      return { id: row.id };
    });
  }

  /** Issue the running-cost statement of an ended month (on demand; the monthly job does it too). */
  @Post('projects/:id/statements')
  @Roles('admin', 'agent')
  issue(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Body() dto: MonthDto,
  ): Promise<StatementView> {
    return this.statements.issue(p, id, dto.month);
  }

  /** Statements: an owner sees the units they held a flat in, and only their own rows. */
  @Get('statements')
  listStatements(@CurrentPrincipal() p: Principal, @Query() q: StatementQueryDto): Promise<StatementView[]> {
    return this.statements.list(p, q.unitId, q.month);
  }

  @Get('statements/:id')
  statement(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<StatementView> {
    return this.statements.get(p, id);
  }

  /** Run the monthly statement job now for an ended month (admin). */
  @Post('jobs/monthly-statements/run')
  @HttpCode(200)
  @Roles('admin')
  runMonthly(@Body() dto: MonthDto): Promise<{ month: string; issued: number; failed: number }> {
    return this.jobs.run(dto.month, true);
  }

  @Get('statements/:id/pdf')
  async statementPdf(
    @CurrentPrincipal() p: Principal,
    @UuidParam() id: string,
    @Res() res: Response,
  ): Promise<void> {
    const pdf = await this.statements.pdf(p, id);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', 'attachment; filename="statement.pdf"');
    res.send(pdf);
  }

  @Get('statements/:id/csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="statement.csv"')
  statementCsv(@CurrentPrincipal() p: Principal, @UuidParam() id: string): Promise<string> {
    return this.statements.csv(p, id);
  }
}
