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
import { Clock } from '@liftwatch/calendar';
import { VisibilityRepository } from '@liftwatch/registry';
import {
  type AdvancePhaseDto,
  type AgreementDto,
  type BallotsDto,
  type CostEntryDto,
  type CreateProjectDto,
  type FundingRequestDto,
  PHASES,
  type SchemeDto,
} from './costs.dto';
import { tallyVote, type VoteResult } from './rules/consent-vote';
import { fundingStatement } from './rules/funding';
import { maskName } from './statements/statement-text';
import { splitFlatMonth } from './rules/month-shares';
import { guangzhouCoefficients, SchemeError, splitByScheme, type SplitScheme } from './rules/split-scheme';
import { type Tariff, TariffError, validateTariff } from './rules/tariff';
import {
  type AgreementPreviewView,
  type AgreementVersionView,
  type AgreementView,
  type BallotView,
  type CostEntryView,
  type FundingView,
  type ProjectView,
} from './costs.dto';
import {
  type AgreementRow,
  type ProjectFlat,
  ProjectRepository,
  type ProjectRow,
} from './project.repository';

export { type ProjectFlat } from './project.repository';

export const DEFAULT_TARIFF: Tariff = { kind: 'flat', priceCentifen: 6000 };

const num = (v: string | null): number | null => (v === null ? null : Number(v));

/**
 * The owners' retrofit project for one unit: the flats involved, the phase (each phase opened by a
 * dated document), the consent vote, the agreement (versions, latest applies) and the funding.
 * Visible to admins, the unit's agent and owners, and the regulator of its region.
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly repo: ProjectRepository,
    private readonly visibility: VisibilityRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(p: Principal): Promise<ProjectView[]> {
    const ids = await this.repo.visibleIds(this.unitsOf(p), 500);
    return Promise.all(ids.map((id) => this.view(id)));
  }

  async get(p: Principal, id: string): Promise<ProjectView> {
    await this.find(p, id);
    return this.view(id);
  }

  async create(p: Principal, dto: CreateProjectDto): Promise<ProjectView> {
    if (p.role === 'agent' && p.unitId !== dto.unitId)
      throw new ForbiddenError('NOT_YOUR_UNIT', 'an agent acts for its own unit only');
    const flats = await this.repo.flatIdsOfUnit(dto.unitId);
    if (flats.length === 0) throw InvalidInputError.field('unitId', 'the unit has no flats registered');
    const ids = dto.flatIds ?? flats;
    const problems: FieldProblem[] = [];
    ids.forEach((id, i) => {
      if (!flats.includes(id))
        problems.push({ field: `flatIds.${i}`, messages: ['not a flat of this unit'] });
    });
    if (problems.length > 0) throw new InvalidInputError(problems);
    if (await this.repo.unitHasProject(dto.unitId))
      throw new ConflictError('PROJECT_EXISTS', 'the unit has a retrofit project already');
    const id = await this.repo.transaction(async (tx) => {
      const created = await this.repo.insert(tx, dto.unitId, dto.name, ids, p.username);
      await this.audit.record(tx, p, 'project.create', 'retrofit_project', created, { after: dto });
      return created;
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
      if (!(await this.repo.latestAgreement(id)))
        throw new RuleViolationError('NO_AGREEMENT', 'record the project agreement first');
    }
    if (dto.phase === 'in_operation' && !(await this.repo.unitHasElevator(project.unit_id)))
      throw new RuleViolationError('NO_ELEVATOR', 'register the elevator before operation starts');
    await this.repo.transaction(async (tx) => {
      await this.repo.openPhase(tx, id, dto.phase, dto.on);
      await this.audit.record(tx, p, 'project.advance', 'retrofit_project', id, {
        from: project.phase,
        ...dto,
      });
    });
    return this.view(id);
  }

  /** Records ballots (the agent for the unit, or an owner for their own flats) while the vote is open. */
  /**
   * Records ballots as `p` (the agent entering paper ballots, or owners voting). `recordedBy` names
   * who collected them when they are imported on someone's behalf (the demo's history).
   */
  async recordBallots(
    p: Principal,
    id: string,
    dto: BallotsDto,
    recordedBy = p.username,
  ): Promise<VoteResult> {
    const project = await this.find(p, id);
    if (project.phase !== 'consent_vote')
      throw new ConflictError(
        'VOTE_CLOSED',
        `the vote is open only in the consent_vote phase (now ${project.phase})`,
      );
    const flats = await this.flats(id);
    const owned =
      p.role === 'owner' ? await this.repo.flatsOwnedOn(p.ownerId ?? '', this.clock.today()) : null;
    const problems: FieldProblem[] = [];
    const today = this.clock.today();
    dto.ballots.forEach((b, i) => {
      if (b.castOn && b.castOn > today)
        problems.push({ field: `ballots.${i}.castOn`, messages: ['a ballot cannot be cast in the future'] });
      const opened = project.phase_dates.consent_vote;
      if (b.castOn && opened && b.castOn < opened)
        problems.push({ field: `ballots.${i}.castOn`, messages: [`before the vote opened (${opened})`] });
      if (!flats.some((f) => f.flatId === b.flatId))
        problems.push({ field: `ballots.${i}.flatId`, messages: ['not a flat of this project'] });
      else if (owned && !owned.has(b.flatId))
        problems.push({ field: `ballots.${i}.flatId`, messages: ['you vote for your own flats only'] });
    });
    if (problems.length > 0) throw new InvalidInputError(problems);
    if (!['admin', 'agent', 'owner'].includes(p.role))
      throw new ForbiddenError('NOT_ALLOWED', 'ballots are recorded by the agent or the owners');
    await this.repo.transaction(async (tx) => {
      for (const b of dto.ballots) {
        const area = flats.find((f) => f.flatId === b.flatId)?.areaM2 ?? 0;
        await this.repo.setBallot(
          tx,
          id,
          b.flatId,
          b.answer === 'none' ? null : b.answer,
          area,
          recordedBy,
          b.castOn ?? today,
        );
      }
      await this.audit.record(tx, p, 'project.ballots', 'retrofit_project', id, { ballots: dto.ballots });
    });
    return this.vote(p, id);
  }

  async vote(p: Principal, id: string): Promise<VoteResult> {
    await this.find(p, id);
    const flats = await this.flats(id);
    const answer = await this.repo.ballots(id);
    return tallyVote(
      flats.map((f) => ({ flatId: f.flatId, areaM2: f.areaM2, answer: answer.get(f.flatId) ?? null })),
    );
  }

  async recordAgreement(p: Principal, id: string, dto: AgreementDto): Promise<ProjectView> {
    this.requireManager(p);
    const project = await this.find(p, id);
    if (project.phase === 'preparation')
      throw new ConflictError('TOO_EARLY', 'an agreement follows the consent vote');
    const { construction, running, tariff } = checkedAgreement(dto, await this.flats(id));
    await this.repo.transaction(async (tx) => {
      const version = await this.repo.insertAgreement(tx, id, {
        signedOn: dto.signedOn,
        constructionBudgetFen: dto.constructionBudgetFen,
        subsidyFen: dto.subsidyFen ?? 0,
        constructionScheme: construction,
        runningScheme: running,
        operatingModel: dto.operatingModel,
        leaseMonthlyFeeFen: dto.leaseMonthlyFeeFen ?? null,
        ridePriceFen: dto.ridePriceFen ?? null,
        tariff,
        createdBy: p.username,
        payee: dto.payee ?? null,
        paymentDueDay: dto.paymentDueDay ?? 15,
      });
      await this.audit.record(tx, p, 'project.agreement', 'retrofit_project', id, { version });
    });
    return this.view(id);
  }

  /**
   * What each flat would carry under an agreement not recorded yet: its construction share (with
   * any ground-floor compensation), its part of the subsidy and its share of running costs. The
   * same checks as recording it; nothing is stored.
   */
  async previewAgreement(p: Principal, id: string, dto: AgreementDto): Promise<AgreementPreviewView> {
    this.requireManager(p);
    await this.find(p, id);
    const flats = await this.flats(id);
    const { construction, running } = checkedAgreement(dto, flats);
    const constructionFen = splitByScheme(construction, flats, dto.constructionBudgetFen);
    const runningBp = splitByScheme(running, flats, 10_000);
    const subsidy = fundingStatement(
      dto.subsidyFen ?? 0,
      flats.map((f, i) => ({
        ownerId: f.flatId,
        shareFen: constructionFen[i] ?? 0,
        providentFundRequestFen: 0,
        maintenanceFundFen: 0,
      })),
    );
    return {
      constructionBudgetFen: dto.constructionBudgetFen,
      subsidyFen: subsidy.reduce((a, l) => a + l.subsidyFen, 0),
      flats: flats.map((f, i) => ({
        flatId: f.flatId,
        number: f.number,
        floor: f.floor,
        areaM2: f.areaM2,
        constructionFen: constructionFen[i] ?? 0,
        subsidyFen: subsidy[i]?.subsidyFen ?? 0,
        runningBasisPoints: runningBp[i] ?? 0,
      })),
    };
  }

  /** Every version of the agreement, newest first (the newest applies). */
  async agreements(p: Principal, id: string): Promise<AgreementVersionView[]> {
    await this.find(p, id);
    return (await this.repo.agreements(id)).map((a) => ({
      ...agreementView(a),
      createdAt: a.created_at.toISOString(),
      createdBy: a.created_by,
    }));
  }

  /** Each flat of the project with its ballot, if any (the vote is posted publicly, so no names). */
  async ballots(p: Principal, id: string): Promise<BallotView[]> {
    await this.find(p, id);
    const flats = await this.flats(id);
    const byFlat = new Map((await this.repo.ballotRecords(id)).map((b) => [b.flat_id, b]));
    return flats.map((f) => {
      const b = byFlat.get(f.flatId);
      return {
        ...f,
        answer: b?.answer ?? null,
        castOn: b?.cast_on ?? null,
        recordedAt: b?.recorded_at.toISOString() ?? null,
        recordedBy: b?.recorded_by ?? null,
      };
    });
  }

  async costEntries(
    p: Principal,
    id: string,
    limit: number,
    offset: number,
  ): Promise<[CostEntryView[], number]> {
    const project = await this.find(p, id);
    const [rows, total] = await this.repo.costEntries(project.unit_id, limit, offset);
    return [
      rows.map((r) => ({
        id: r.id,
        occurredOn: r.occurred_on,
        category: r.category,
        amountFen: Number(r.amount_fen),
        description: r.description,
        elevatorId: r.elevator_id,
        registrationCode: r.registration_code,
        createdAt: r.created_at.toISOString(),
        createdBy: r.created_by,
      })),
      total,
    ];
  }

  async setFunding(p: Principal, id: string, dto: FundingRequestDto): Promise<FundingView[]> {
    this.requireManager(p);
    await this.find(p, id);
    await this.repo.transaction(async (tx) => {
      await this.repo.upsertFunding(
        tx,
        id,
        dto.ownerId,
        dto.providentFundRequestFen ?? 0,
        dto.maintenanceFundFen ?? 0,
      );
      await this.audit.record(tx, p, 'project.funding', 'retrofit_project', id, { ...dto });
    });
    return this.funding(p, id);
  }

  /**
   * Construction shares per flat under the agreement's construction scheme, per current owner
   * (co-owners by share), then subsidy, provident fund, maintenance fund and cash per owner.
   */
  async funding(p: Principal, id: string): Promise<FundingView[]> {
    await this.find(p, id);
    const agreement = await this.repo.latestAgreement(id);
    if (!agreement) throw new RuleViolationError('NO_AGREEMENT', 'the funding follows from the agreement');
    const flats = await this.flats(id);
    const perFlat = splitByScheme(
      agreement.construction_scheme,
      flats,
      Number(agreement.construction_budget_fen),
    );
    const today = this.clock.today();
    const holdings = await this.repo.holdingsOn(
      flats.map((f) => f.flatId),
      today,
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
    const req = await this.repo.fundingRequests(id);
    const owners = [...byOwner.keys()].sort();
    const lines = fundingStatement(
      Number(agreement.subsidy_fen),
      owners.map((o) => ({
        ownerId: o,
        shareFen: byOwner.get(o) ?? 0,
        providentFundRequestFen: req.get(o)?.pf ?? 0,
        maintenanceFundFen: req.get(o)?.mf ?? 0,
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
    if (dto.elevatorId && !(await this.repo.unitHasElevator(project.unit_id, dto.elevatorId)))
      throw InvalidInputError.field('elevatorId', "not an elevator of the project's unit");
    return this.repo.transaction(async (tx) => {
      const entry = await this.repo.insertCostEntry(tx, {
        unitId: project.unit_id,
        elevatorId: dto.elevatorId ?? null,
        occurredOn: dto.occurredOn,
        category: dto.category,
        amountFen: dto.amountFen,
        description: dto.description,
        by: p.username,
      });
      await this.audit.record(tx, p, 'cost_entry.create', 'retrofit_project', id, { ...dto });
      return { id: entry };
    });
  }

  requireManager(p: Principal): void {
    if (p.role !== 'admin' && p.role !== 'agent')
      throw new ForbiddenError('AGENT_ONLY', 'the owners’ agent (or an admin) manages the project');
  }

  /** The units whose project the caller sees; firms and insurers see none. */
  private unitsOf(p: Principal) {
    if (p.role === 'firm' || p.role === 'technician' || p.role === 'insurer') return 'none' as const;
    return this.visibility.units(p);
  }

  async find(p: Principal, id: string): Promise<ProjectRow> {
    const row = await this.repo.findVisible(id, this.unitsOf(p));
    if (!row) throw new NotFoundError('Project', id);
    return row;
  }

  flats(projectId: string): Promise<ProjectFlat[]> {
    return this.repo.flats(projectId);
  }

  async agreementRow(projectId: string): Promise<AgreementRow | null> {
    return (await this.repo.latestAgreement(projectId)) ?? null;
  }

  private async view(id: string): Promise<ProjectView> {
    const row = await this.repo.get(id);
    if (!row) throw new NotFoundError('Project', id);
    const a = await this.agreementRow(id);
    return {
      id,
      unitId: row.unit_id,
      name: row.name,
      phase: row.phase,
      phaseDates: row.phase_dates,
      flats: await this.flats(id),
      agreement: a ? agreementView(a) : null,
    };
  }
}

function agreementView(a: AgreementRow): AgreementView {
  return {
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
  };
}

/** The agreement's checks against the project's flats: schemes resolved, tariff and model terms. */
function checkedAgreement(
  dto: AgreementDto,
  flats: readonly ProjectFlat[],
): { construction: SplitScheme; running: SplitScheme; tariff: Tariff } {
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
  return { construction, running, tariff };
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
