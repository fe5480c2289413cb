import { Injectable } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { MaintenanceRepository } from '@liftwatch/maintenance';
import {
  type AdvancePhaseDto,
  type AgreementDto,
  type BallotsDto,
  type CostEntryDto,
  type CreateProjectDto,
  type FundingRequestDto,
  type OperatingModel,
  type Phase,
  PHASES,
  type SchemeDto,
} from './costs.dto';
import { tallyVote, type VoteResult } from './rules/consent-vote';
import { fundingStatement } from './rules/funding';
import { maskName } from './statements/statement-text';
import { splitFlatMonth } from './rules/month-shares';
import { guangzhouCoefficients, SchemeError, splitByScheme, type SplitScheme } from './rules/split-scheme';
import { type Tariff, TariffError, validateTariff } from './rules/tariff';
import { type FundingView, type ProjectView } from './costs.dto';

export interface ProjectFlat {
  flatId: string;
  number: string;
  floor: number;
  areaM2: number;
}

export const DEFAULT_TARIFF: Tariff = { kind: 'flat', priceCentifen: 6000 };

interface AgreementRow {
  id: string;
  version: number;
  signed_on: string;
  construction_budget_fen: string;
  subsidy_fen: string;
  construction_scheme: SplitScheme;
  running_scheme: SplitScheme;
  operating_model: OperatingModel;
  lease_monthly_fee_fen: string | null;
  ride_price_fen: number | null;
  tariff: Tariff;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

/**
 * The owners' retrofit project for one unit: the flats involved, the phase (each phase opened by a
 * dated document), the consent vote, the agreement (versions, latest applies) and the funding.
 * Visible to admins, the unit's agent and owners, and the regulator of its region.
 */
@Injectable()
export class ProjectsService {
  constructor(
    readonly repo: MaintenanceRepository,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal): Promise<ProjectView[]> {
    const scope = this.scopeFor(p);
    const rows = await this.repo.query<{ id: string }>(
      `SELECT rp.id FROM retrofit_projects rp WHERE true${scope.sql} ORDER BY rp.created_at DESC LIMIT 500`,
      scope.params,
    );
    return Promise.all(rows.map((r) => this.view(r.id)));
  }

  async get(p: Principal, id: string): Promise<ProjectView> {
    await this.find(p, id);
    return this.view(id);
  }

  async create(p: Principal, dto: CreateProjectDto): Promise<ProjectView> {
    if (p.role === 'agent' && p.unitId !== dto.unitId)
      throw new ForbiddenError('NOT_YOUR_UNIT', 'an agent acts for its own unit only');
    const flats = await this.repo.query<{ id: string }>(`SELECT id FROM flats WHERE unit_id = :unitId`, {
      unitId: dto.unitId,
    });
    if (flats.length === 0) throw InvalidInputError.field('unitId', 'the unit has no flats registered');
    const ids = dto.flatIds ?? flats.map((f) => f.id);
    const problems: FieldProblem[] = [];
    ids.forEach((id, i) => {
      if (!flats.some((f) => f.id === id))
        problems.push({ field: `flatIds.${i}`, messages: ['not a flat of this unit'] });
    });
    if (problems.length > 0) throw new InvalidInputError(problems);
    const exists = await this.repo.query(`SELECT 1 FROM retrofit_projects WHERE unit_id = :u`, {
      u: dto.unitId,
    });
    if (exists.length > 0)
      throw new ConflictError('PROJECT_EXISTS', 'the unit has a retrofit project already');
    const id = await this.repo.ds.transaction(async (em) => {
      const [row] = await em.query<Array<{ id: string }>>(
        `INSERT INTO retrofit_projects (unit_id, name, phase_dates, created_by) VALUES ($1, $2, '{}', $3) RETURNING id`,
        [dto.unitId, dto.name, p.username],
      );
      await em.query(`INSERT INTO project_flats (project_id, flat_id) SELECT $1, unnest($2::uuid[])`, [
        row.id,
        ids,
      ]);
      await this.audit.record(em, p, 'project.create', 'retrofit_project', row.id, { after: dto });
      return row.id;
    });
    return this.view(id);
  }

  /**
   * Moves to the next phase. Gates: the agreement is published only after a passing vote and with
   * an agreement on file; operation starts only with an elevator registered for the unit.
   */
  async advance(p: Principal, id: string, dto: AdvancePhaseDto): Promise<ProjectView> {
    this.requireManager(p);
    const project = await this.find(p, id);
    const next = PHASES[PHASES.indexOf(project.phase) + 1];
    if (dto.phase !== next) {
      throw new ConflictError(
        'PHASE_ORDER',
        `the project is in ${project.phase}; the next phase is ${next ?? '(none)'}`,
      );
    }
    const dates = Object.values(project.phase_dates);
    if (dates.some((d) => d > dto.on))
      throw InvalidInputError.field('on', 'a phase cannot open before the previous one');
    if (dto.phase === 'agreement_published') {
      const vote = await this.vote(p, id);
      if (!vote.passed) {
        throw new RuleViolationError(
          'VOTE_NOT_PASSED',
          `the consent vote has not passed: ${vote.failed.join(', ')}`,
        );
      }
      if (!(await this.agreementRow(id)))
        throw new RuleViolationError('NO_AGREEMENT', 'record the project agreement first');
    }
    if (dto.phase === 'in_operation') {
      const elevators = await this.repo.query(`SELECT 1 FROM elevators WHERE unit_id = :u`, {
        u: project.unit_id,
      });
      if (elevators.length === 0)
        throw new RuleViolationError('NO_ELEVATOR', 'register the elevator before operation starts');
    }
    await this.repo.ds.transaction(async (em) => {
      await em.query(
        `UPDATE retrofit_projects SET phase = $2, phase_dates = phase_dates || jsonb_build_object($2::text, $3::text) WHERE id = $1`,
        [id, dto.phase, dto.on],
      );
      await this.audit.record(em, p, 'project.advance', 'retrofit_project', id, {
        from: project.phase,
        ...dto,
      });
    });
    return this.view(id);
  }

  /** Records ballots (the agent for the unit, or an owner for their own flats) while the vote is open. */
  async recordBallots(p: Principal, id: string, dto: BallotsDto): Promise<VoteResult> {
    const project = await this.find(p, id);
    if (project.phase !== 'consent_vote')
      throw new ConflictError(
        'VOTE_CLOSED',
        `the vote is open only in the consent_vote phase (now ${project.phase})`,
      );
    const flats = await this.flats(id);
    const owned =
      p.role === 'owner'
        ? new Set(
            (
              await this.repo.query<{ flat_id: string }>(
                `SELECT flat_id FROM flat_ownerships WHERE owner_id = :o AND valid_from <= :d AND (valid_to IS NULL OR valid_to > :d)`,
                { o: p.ownerId, d: this.repo.today() },
              )
            ).map((r) => r.flat_id),
          )
        : null;
    const problems: FieldProblem[] = [];
    dto.ballots.forEach((b, i) => {
      if (!flats.some((f) => f.flatId === b.flatId))
        problems.push({ field: `ballots.${i}.flatId`, messages: ['not a flat of this project'] });
      else if (owned && !owned.has(b.flatId))
        problems.push({ field: `ballots.${i}.flatId`, messages: ['you vote for your own flats only'] });
    });
    if (problems.length > 0) throw new InvalidInputError(problems);
    if (!['admin', 'agent', 'owner'].includes(p.role))
      throw new ForbiddenError('NOT_ALLOWED', 'ballots are recorded by the agent or the owners');
    await this.repo.ds.transaction(async (em) => {
      for (const b of dto.ballots) {
        const area = flats.find((f) => f.flatId === b.flatId)?.areaM2 ?? 0;
        if (b.answer === 'none') {
          await em.query(`DELETE FROM vote_ballots WHERE project_id = $1 AND flat_id = $2`, [id, b.flatId]);
        } else {
          await em.query(
            `INSERT INTO vote_ballots (project_id, flat_id, answer, area_m2, recorded_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (project_id, flat_id) DO UPDATE SET answer = excluded.answer, area_m2 = excluded.area_m2,
               recorded_at = now(), recorded_by = excluded.recorded_by`,
            [id, b.flatId, b.answer, area, p.username],
          );
        }
      }
      await this.audit.record(em, p, 'project.ballots', 'retrofit_project', id, { ballots: dto.ballots });
    });
    return this.vote(p, id);
  }

  async vote(p: Principal, id: string): Promise<VoteResult> {
    await this.find(p, id);
    const flats = await this.flats(id);
    const ballots = await this.repo.query<{ flat_id: string; answer: 'agree' | 'disagree' | 'abstain' }>(
      `SELECT flat_id, answer FROM vote_ballots WHERE project_id = :id`,
      { id },
    );
    const answer = new Map(ballots.map((b) => [b.flat_id, b.answer]));
    return tallyVote(
      flats.map((f) => ({ flatId: f.flatId, areaM2: f.areaM2, answer: answer.get(f.flatId) ?? null })),
    );
  }

  async recordAgreement(p: Principal, id: string, dto: AgreementDto): Promise<ProjectView> {
    this.requireManager(p);
    const project = await this.find(p, id);
    if (project.phase === 'preparation')
      throw new ConflictError('TOO_EARLY', 'an agreement follows the consent vote');
    const flats = await this.flats(id);
    const construction = resolveScheme(dto.constructionScheme, flats, 'constructionScheme');
    const running = resolveScheme(dto.runningScheme, flats, 'runningScheme');
    if (running.groundFloorCompensationFen) {
      throw InvalidInputError.field(
        'runningScheme.groundFloorCompensationFen',
        'compensation belongs to the construction split',
      );
    }
    const tariff = dto.tariff ?? DEFAULT_TARIFF;
    try {
      validateTariff(tariff);
    } catch (err) {
      throw InvalidInputError.field('tariff', err instanceof TariffError ? err.message : 'invalid tariff');
    }
    if (dto.operatingModel === 'leased' && dto.leaseMonthlyFeeFen === undefined) {
      throw InvalidInputError.field('leaseMonthlyFeeFen', 'a leased elevator has a monthly fee');
    }
    if (dto.operatingModel === 'shared' && dto.ridePriceFen === undefined) {
      throw InvalidInputError.field('ridePriceFen', 'a shared elevator has a price per ride');
    }
    await this.repo.ds.transaction(async (em) => {
      await em.query(`SELECT 1 FROM retrofit_projects WHERE id = $1 FOR UPDATE`, [id]);
      const [v] = await em.query<Array<{ v: number }>>(
        `SELECT coalesce(max(version), 0)::int AS v FROM project_agreements WHERE project_id = $1`,
        [id],
      );
      await em.query(
        `INSERT INTO project_agreements (project_id, version, signed_on, construction_budget_fen, subsidy_fen,
           construction_scheme, running_scheme, operating_model, lease_monthly_fee_fen, ride_price_fen, tariff, created_by,
           payee, payment_due_day)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11::jsonb, $12, $13, $14)`,
        [
          id,
          (v?.v ?? 0) + 1,
          dto.signedOn,
          dto.constructionBudgetFen,
          dto.subsidyFen ?? 0,
          JSON.stringify(construction),
          JSON.stringify(running),
          dto.operatingModel,
          dto.leaseMonthlyFeeFen ?? null,
          dto.ridePriceFen ?? null,
          JSON.stringify(tariff),
          p.username,
          dto.payee ?? null,
          dto.paymentDueDay ?? 15,
        ],
      );
      await this.audit.record(em, p, 'project.agreement', 'retrofit_project', id, {
        version: (v?.v ?? 0) + 1,
      });
    });
    return this.view(id);
  }

  async setFunding(p: Principal, id: string, dto: FundingRequestDto): Promise<FundingView[]> {
    this.requireManager(p);
    await this.find(p, id);
    await this.repo.ds.transaction(async (em) => {
      await em.query(
        `INSERT INTO funding_requests (project_id, owner_id, provident_fund_request_fen, maintenance_fund_fen) VALUES ($1, $2, $3, $4)
         ON CONFLICT (project_id, owner_id) DO UPDATE SET provident_fund_request_fen = excluded.provident_fund_request_fen,
           maintenance_fund_fen = excluded.maintenance_fund_fen, updated_at = now()`,
        [id, dto.ownerId, dto.providentFundRequestFen ?? 0, dto.maintenanceFundFen ?? 0],
      );
      await this.audit.record(em, p, 'project.funding', 'retrofit_project', id, { ...dto });
    });
    return this.funding(p, id);
  }

  /**
   * Construction shares per flat under the agreement's construction scheme, per current owner
   * (co-owners by share), then subsidy, provident fund, maintenance fund and cash per owner.
   */
  async funding(p: Principal, id: string): Promise<FundingView[]> {
    await this.find(p, id);
    const agreement = await this.agreementRow(id);
    if (!agreement) throw new RuleViolationError('NO_AGREEMENT', 'the funding follows from the agreement');
    const flats = await this.flats(id);
    const perFlat = splitByScheme(
      agreement.construction_scheme,
      flats,
      Number(agreement.construction_budget_fen),
    );
    const today = this.repo.today();
    const holdings = await this.repo.query<{
      flat_id: string;
      owner_id: string;
      share_percent: string;
      owner_name: string;
    }>(
      `SELECT fo.flat_id, fo.owner_id, fo.share_percent, o.name AS owner_name
         FROM flat_ownerships fo JOIN owners o ON o.id = fo.owner_id
        WHERE fo.flat_id IN (:...ids) AND fo.valid_from <= :d AND (fo.valid_to IS NULL OR fo.valid_to > :d)`,
      { ids: flats.map((f) => f.flatId), d: today },
    );
    const byOwner = new Map<string, number>();
    flats.forEach((f, i) => {
      const parts = splitFlatMonth(
        today.slice(0, 7),
        holdings
          .filter((h) => h.flat_id === f.flatId)
          .map((h) => ({
            ownerId: h.owner_id,
            sharePercent: Number(h.share_percent),
            validFrom: '1900-01-01',
            validTo: null,
          })),
        perFlat[i] ?? 0,
      );
      for (const part of parts) byOwner.set(part.ownerId, (byOwner.get(part.ownerId) ?? 0) + part.fen);
    });
    const requests = await this.repo.query<{ owner_id: string; pf: string; mf: string }>(
      `SELECT owner_id, provident_fund_request_fen AS pf, maintenance_fund_fen AS mf FROM funding_requests WHERE project_id = :id`,
      { id },
    );
    const req = new Map(requests.map((r) => [r.owner_id, r]));
    const owners = [...byOwner.keys()].sort();
    const lines = fundingStatement(
      Number(agreement.subsidy_fen),
      owners.map((o) => ({
        ownerId: o,
        shareFen: byOwner.get(o) ?? 0,
        providentFundRequestFen: Number(req.get(o)?.pf ?? 0),
        maintenanceFundFen: Number(req.get(o)?.mf ?? 0),
      })),
    );
    const flatNumber = new Map(flats.map((f) => [f.flatId, f.number]));
    const views: FundingView[] = lines.map((l) => {
      const held = holdings.filter((h) => h.owner_id === l.ownerId);
      const name = held[0]?.owner_name ?? '';
      return {
        ...l,
        ownerName: p.role === 'owner' && p.ownerId === l.ownerId ? name : maskName(name),
        flatNumbers: held.map((h) => flatNumber.get(h.flat_id) ?? '').filter(Boolean),
      };
    });
    // The subsidy is allocated over everyone, but an owner sees only their own funding.
    return p.role === 'owner' ? views.filter((l) => l.ownerId === p.ownerId) : views;
  }

  // ---- shared helpers ----

  /** A repair or other cost not covered by contract or insurance, charged in the month it occurred. */
  async addCostEntry(p: Principal, id: string, dto: CostEntryDto): Promise<{ id: string }> {
    this.requireManager(p);
    const project = await this.find(p, id);
    if (dto.elevatorId) {
      const e = await this.repo.query(`SELECT 1 FROM elevators WHERE id = :id AND unit_id = :u`, {
        id: dto.elevatorId,
        u: project.unit_id,
      });
      if (e.length === 0)
        throw InvalidInputError.field('elevatorId', "not an elevator of the project's unit");
    }
    return this.repo.ds.transaction(async (em) => {
      const [row] = await this.repo.query<{ id: string }>(
        `INSERT INTO cost_entries (unit_id, elevator_id, occurred_on, category, amount_fen, description, created_by)
         VALUES (:unitId, :elevatorId, :occurredOn, :category, :amountFen, :description, :by) RETURNING id`,
        {
          unitId: project.unit_id,
          elevatorId: dto.elevatorId ?? null,
          occurredOn: dto.occurredOn,
          category: dto.category,
          amountFen: dto.amountFen,
          description: dto.description,
          by: p.username,
        },
        em,
      );
      await this.audit.record(em, p, 'cost_entry.create', 'retrofit_project', id, { ...dto });
      return { id: row.id };
    });
  }

  requireManager(p: Principal): void {
    if (p.role !== 'admin' && p.role !== 'agent')
      throw new ForbiddenError('AGENT_ONLY', 'the owners’ agent (or an admin) manages the project');
  }

  scopeFor(p: Principal): { sql: string; params: Record<string, unknown> } {
    if (p.role === 'firm' || p.role === 'insurer') return { sql: ' AND false', params: {} };
    return this.repo.scope('rp.unit_id', this.repo.visibility.units(p));
  }

  async find(
    p: Principal,
    id: string,
  ): Promise<{ id: string; unit_id: string; phase: Phase; phase_dates: Record<string, string> }> {
    const scope = this.scopeFor(p);
    const [row] = await this.repo.query<{
      id: string;
      unit_id: string;
      phase: Phase;
      phase_dates: Record<string, string>;
    }>(
      `SELECT rp.id, rp.unit_id, rp.phase, rp.phase_dates FROM retrofit_projects rp WHERE rp.id = :id${scope.sql}`,
      { id, ...scope.params },
    );
    if (!row) throw new NotFoundError('Project', id);
    return row;
  }

  async flats(projectId: string): Promise<ProjectFlat[]> {
    const rows = await this.repo.query<{ id: string; number: string; floor: number; area_m2: string }>(
      `SELECT f.id, f.number, f.floor, f.area_m2 FROM project_flats pf JOIN flats f ON f.id = pf.flat_id
        WHERE pf.project_id = :projectId ORDER BY f.floor, f.number`,
      { projectId },
    );
    return rows.map((r) => ({ flatId: r.id, number: r.number, floor: r.floor, areaM2: Number(r.area_m2) }));
  }

  async agreementRow(projectId: string): Promise<AgreementRow | null> {
    const [row] = await this.repo.query<AgreementRow>(
      `SELECT id, version, to_char(signed_on, 'YYYY-MM-DD') AS signed_on, construction_budget_fen, subsidy_fen,
              construction_scheme, running_scheme, operating_model, lease_monthly_fee_fen, ride_price_fen, tariff
         FROM project_agreements WHERE project_id = :projectId ORDER BY version DESC LIMIT 1`,
      { projectId },
    );
    return row ?? null;
  }

  private async view(id: string): Promise<ProjectView> {
    const [row] = await this.repo.query<{
      id: string;
      unit_id: string;
      name: string;
      phase: Phase;
      phase_dates: Record<string, string>;
    }>(`SELECT id, unit_id, name, phase, phase_dates FROM retrofit_projects WHERE id = :id`, { id });
    const a = await this.agreementRow(id);
    return {
      id,
      unitId: row.unit_id,
      name: row.name,
      phase: row.phase,
      phaseDates: row.phase_dates,
      flats: await this.flats(id),
      agreement: a
        ? {
            id: a.id,
            version: a.version,
            signedOn: a.signed_on,
            constructionBudgetFen: Number(a.construction_budget_fen),
            subsidyFen: Number(a.subsidy_fen),
            constructionScheme: a.construction_scheme,
            runningScheme: a.running_scheme,
            operatingModel: a.operating_model,
            leaseMonthlyFeeFen: num(a.lease_monthly_fee_fen),
            ridePriceFen: a.ride_price_fen,
            tariff: a.tariff,
          }
        : null,
    };
  }
}

/** Fills a preset's coefficients and checks the scheme against the project's flats. */
function resolveScheme(dto: SchemeDto, flats: readonly ProjectFlat[], field: string): SplitScheme {
  const scheme: SplitScheme = {
    kind: dto.kind,
    ...(dto.floorCoefficients ? { floorCoefficients: dto.floorCoefficients } : {}),
    ...(dto.customBasisPoints ? { customBasisPoints: dto.customBasisPoints } : {}),
    ...(dto.exemptFlatIds ? { exemptFlatIds: dto.exemptFlatIds } : {}),
    ...(dto.groundFloorCompensationFen ? { groundFloorCompensationFen: dto.groundFloorCompensationFen } : {}),
  };
  if (dto.preset === 'guangzhou')
    scheme.floorCoefficients = guangzhouCoefficients(Math.max(...flats.map((f) => f.floor)));
  try {
    splitByScheme(scheme, flats, 1_000_000);
  } catch (err) {
    throw InvalidInputError.field(
      field,
      err instanceof SchemeError || err instanceof Error ? err.message : 'invalid scheme',
    );
  }
  return scheme;
}
