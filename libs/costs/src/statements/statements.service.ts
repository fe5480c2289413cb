import { Injectable, Optional } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import {
  addMonthsToMonth,
  businessDate,
  Clock,
  daysBetween,
  lastDayOfMonth,
  maxDate,
  minDate,
} from '@liftwatch/calendar';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  type Lang,
  NotFoundError,
  RuleViolationError,
} from '@liftwatch/contract';
import { Notices } from '@liftwatch/registry';
import { Sql } from '@liftwatch/database';
import { TelemetryJobsService } from '@liftwatch/telemetry';
import { ProjectsService } from '../projects.service';
import { splitFlatMonth } from '../rules/month-shares';
import { splitByScheme, type SplitScheme } from '../rules/split-scheme';
import { electricityCost } from '../rules/tariff';
import {
  type AllocationRow,
  type CostLine,
  type MonthBounds,
  StatementRepository,
  type StatementRow,
  type StatementScope,
} from './statement.repository';
import { shareWorking } from '../rules/share-working';
import { type SplitFlat } from '../rules/split-scheme';
import {
  categoryLabel,
  describeLine,
  describeScheme,
  describeWorking,
  maskName,
  operatingModelLabel,
} from './statement-text';

export type { CostLine } from './statement.repository';

export interface AllocationView {
  flatId: string;
  flatNumber: string;
  floor: number;
  flatFen: number;
  ownerId: string;
  /** the owner's name for the owner themselves; masked (张*) for anyone else */
  ownerName: string;
  ownerFen: number;
  days: number;
  sharePercent: number;
  periodFrom: string;
  periodTo: string;
  /** how this amount was worked out, in words (floor coefficient, area, rounding, share, days) */
  workingText: string | null;
}

export interface StatementLineView extends CostLine {
  /** the category in the requested language */
  label: string;
  /** the line described in the requested language */
  text: string;
}

export interface StatementView {
  id: string;
  statementNumber: string;
  projectId: string;
  unitId: string;
  /** community, building and unit, for the heading */
  place: string;
  month: string;
  operatingModel: string;
  operatingModelText: string;
  runningScheme: Record<string, unknown>;
  /** how the total was split, in words */
  schemeText: string;
  totalFen: number;
  /** pay by this date (Asia/Shanghai) */
  dueOn: string;
  /** who collects the money */
  payee: string;
  issuedAt: string;
  /** the business day it was issued */
  issuedOn: string;
  issuedBy: string;
  lines: StatementLineView[];
  /** owners see only their own rows */
  allocations: AllocationView[];
}

const ADJUST_BACK_MONTHS = 2;

function bounds(month: string): MonthBounds {
  return { first: `${month}-01`, last: lastDayOfMonth(month), next: `${addMonthsToMonth(month, 1)}-01` };
}

/** Days of [from, to] (inclusive dates) inside the month. */
function daysIn(month: string, from: string, to: string): number {
  const a = maxDate(from, `${month}-01`);
  const b = minDate(to, lastDayOfMonth(month));
  return a > b ? 0 : daysBetween(a, b) + 1;
}

type Agreement = NonNullable<Awaited<ReturnType<ProjectsService['agreementRow']>>>;

/**
 * Monthly running-cost statements per unit (business months, Asia/Shanghai): the elevator's costs
 * as lines, then per flat by the agreement's running scheme, then per owner by the days each held
 * the flat. Issued statements are append-only; a change found later (late meter data, a fee
 * recorded afterwards) becomes an adjustment line in the next statement issued.
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly repo: StatementRepository,
    private readonly sql: Sql,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly notices: Notices,
    @Optional() private readonly telemetryJobs?: TelemetryJobsService,
  ) {}

  // ---- what a month costs ----

  /** What `month` costs, computed now from the records (not issued). */
  async computeLines(projectId: string, unitId: string, month: string): Promise<CostLine[]> {
    const agreement = await this.projects.agreementRow(projectId);
    if (!agreement) throw new RuleViolationError('NO_AGREEMENT', 'the project has no agreement');
    const m = bounds(month);
    const elevators = await this.repo.elevatorsOfUnit(unitId);
    const ids = elevators.map((e) => e.id);
    const lines = [...(await this.entryLines(unitId, m))];
    if (ids.length > 0) {
      if (agreement.operating_model === 'leased') lines.push(this.leaseLine(agreement));
      else if (agreement.operating_model === 'shared')
        lines.push(...(await this.rideLines(ids, agreement, m)));
      else {
        lines.push(...(await this.electricityLines(ids, agreement, m)));
        lines.push(...(await this.maintenanceLines(ids, month, m)));
        lines.push(...(await this.partsLines(ids, m)));
        lines.push(...(await this.insuranceLines(ids, unitId, month, m)));
        lines.push(...(await this.inspectionLines(ids, m)));
      }
    }
    return lines.filter((l) => l.amountFen !== 0);
  }

  /** Repairs, parts and other costs the agent entered for the month. */
  private async entryLines(unitId: string, m: MonthBounds): Promise<CostLine[]> {
    return (await this.repo.costEntries(unitId, m)).map((e) => ({
      lineKey: `entry:${e.id}`,
      category: e.category,
      elevatorId: e.elevator_id,
      description: e.description,
      amountFen: Number(e.amount_fen),
      adjustsMonth: null,
      data: { occurredOn: e.occurred_on },
    }));
  }

  private leaseLine(agreement: Agreement): CostLine {
    return {
      lineKey: 'lease',
      category: 'lease',
      elevatorId: null,
      description: 'fixed monthly fee to the investor',
      amountFen: Number(agreement.lease_monthly_fee_fen ?? 0),
      adjustsMonth: null,
      data: {},
    };
  }

  /** Shared elevators: trips counted from telemetry × the price per ride. */
  private async rideLines(ids: string[], agreement: Agreement, m: MonthBounds): Promise<CostLine[]> {
    const price = agreement.ride_price_fen ?? 0;
    return (await this.repo.tripsPerElevator(ids, m)).map((t) => {
      const n = Number(t.trips);
      return {
        lineKey: `rides:${t.elevator_id}`,
        category: 'rides',
        elevatorId: t.elevator_id,
        description: `${n} rides × ${price} fen`,
        amountFen: n * price,
        adjustsMonth: null,
        data: { trips: n, ridePriceFen: price },
      };
    });
  }

  /**
   * Metered kWh × the tariff: the hourly rollups count what the meter rule accepts (resets,
   * rollovers and replacements handled, spikes kept out until resolved — meter-steps.ts).
   */
  private async electricityLines(ids: string[], agreement: Agreement, m: MonthBounds): Promise<CostLine[]> {
    const out: CostLine[] = [];
    for (const id of ids) {
      const cost = electricityCost(agreement.tariff, await this.repo.energyByHour(id, m));
      // a meter spike nobody has resolved counts as nothing, and the statement says so
      const unresolved = await this.repo.openMeterAnomalies(id, m);
      out.push({
        lineKey: `electricity:${id}`,
        category: 'electricity',
        elevatorId: id,
        description: `${(cost.milliKwh / 1000).toFixed(3)} kWh${unresolved > 0 ? ` (${unresolved} odd meter reading(s) awaiting checking, not counted)` : ''}`,
        amountFen: cost.fen,
        adjustsMonth: null,
        data: {
          kwh: cost.milliKwh / 1000,
          byPeriod: cost.byPeriod,
          tariff: agreement.tariff,
          ...(unresolved > 0 ? { unresolvedMeterAnomalies: unresolved } : {}),
        },
      });
    }
    return out;
  }

  /** Maintenance fee accrued by the days each contract covered in the month. */
  private async maintenanceLines(ids: string[], month: string, m: MonthBounds): Promise<CostLine[]> {
    const year = Number(month.slice(0, 4));
    const yearDays = daysBetween(`${year}-01-01`, `${year + 1}-01-01`);
    return (await this.repo.contractsInMonth(ids, m)).map((c) => {
      const days = daysIn(month, c.starts_on, c.ends);
      return {
        lineKey: `maintenance:${c.id}`,
        category: 'maintenance',
        elevatorId: null,
        description: `contract ${c.contract_number}: ${days} of ${yearDays} days`,
        amountFen: Math.round((Number(c.annual_fee_fen) * days) / yearDays),
        adjustsMonth: null,
        data: { days, yearDays, annualFeeFen: Number(c.annual_fee_fen), contractNumber: c.contract_number },
      };
    });
  }

  /** Parts charged on maintenance records, unless the contract includes parts. */
  private async partsLines(ids: string[], m: MonthBounds): Promise<CostLine[]> {
    return (await this.repo.partsOnRecords(ids, m))
      .filter((p) => !p.includes_parts)
      .map((p) => ({
        lineKey: `parts:${p.id}`,
        category: 'parts',
        elevatorId: p.elevator_id,
        description: 'parts on a maintenance record',
        amountFen: Number(p.fen),
        adjustsMonth: null,
        data: { recordId: p.id },
      }));
  }

  /** Premiums of the owners' policies, accrued over the policy term. */
  private async insuranceLines(
    ids: string[],
    unitId: string,
    month: string,
    m: MonthBounds,
  ): Promise<CostLine[]> {
    return (await this.repo.ownersPoliciesInMonth(ids, unitId, m)).map((p) => {
      const term = daysBetween(p.starts_on, p.ends_on) + 1;
      const days = daysIn(month, p.starts_on, p.ends);
      return {
        lineKey: `insurance:${p.id}`,
        category: 'insurance',
        elevatorId: null,
        description: `policy ${p.policy_number}: ${days} of ${term} days`,
        amountFen: Math.round((Number(p.premium_fen) * days) / term),
        adjustsMonth: null,
        data: { days, termDays: term, premiumFen: Number(p.premium_fen), policyNumber: p.policy_number },
      };
    });
  }

  /** Inspection and self-test fees in the month they occur. */
  private async inspectionLines(ids: string[], m: MonthBounds): Promise<CostLine[]> {
    return (await this.repo.inspectionFees(ids, m)).map((i) => ({
      lineKey: `inspection:${i.id}`,
      category: 'inspection',
      elevatorId: i.elevator_id,
      description: `${i.kind} ${i.report_number}`,
      amountFen: Number(i.fee_fen),
      adjustsMonth: null,
      data: { kind: i.kind, reportNumber: i.report_number },
    }));
  }

  /**
   * Differences between what earlier issued statements charged and what their months cost now,
   * per line; each becomes an adjustment line (the earlier statement is never changed).
   */
  private async adjustments(projectId: string, unitId: string, month: string): Promise<CostLine[]> {
    const out: CostLine[] = [];
    for (let back = 1; back <= ADJUST_BACK_MONTHS; back++) {
      const earlier = addMonthsToMonth(month, -back);
      if (!(await this.repo.isIssued(unitId, earlier))) continue;
      const charged = await this.repo.chargedFor(unitId, earlier);
      const now = await this.computeLines(projectId, unitId, earlier);
      const keys = new Set([...charged.keys(), ...now.map((l) => l.lineKey)]);
      for (const key of [...keys].sort()) {
        const line = now.find((l) => l.lineKey === key);
        const was = charged.get(key) ?? 0;
        const diff = (line?.amountFen ?? 0) - was;
        if (diff === 0) continue;
        out.push({
          lineKey: key,
          category: 'adjustment',
          elevatorId: line?.elevatorId ?? null,
          description: `adjustment for ${earlier}: ${line?.category ?? key} ${line?.description ?? 'no longer charged'}`,
          amountFen: diff,
          adjustsMonth: earlier,
          data: { charged: was, now: line?.amountFen ?? 0, category: line?.category ?? key.split(':')[0] },
        });
      }
    }
    return out;
  }

  // ---- issuing ----

  /** Issues the statement of `month` for a project in operation; refuses a month already issued. */
  async issue(p: Principal, projectId: string, month: string, actor = p): Promise<StatementView> {
    const project = await this.checkIssuable(p, projectId, month);
    await this.telemetryJobs?.refreshRollups();
    const lines = [
      ...(await this.computeLines(projectId, project.unit_id, month)),
      ...(await this.adjustments(projectId, project.unit_id, month)),
    ];
    const agreement = (await this.projects.agreementRow(projectId)) as Agreement;
    const total = lines.reduce((a, l) => a + l.amountFen, 0);
    const allocations = await this.allocate(projectId, agreement.running_scheme, month, total);
    const terms = await this.repo.paymentTerms(agreement.id);
    const dueOn = `${addMonthsToMonth(month, 1)}-${String(terms?.payment_due_day ?? 15).padStart(2, '0')}`;
    const [id, notices] = await this.sql.transaction(async (tx) => {
      await this.repo.lockProject(tx, projectId);
      if (await this.repo.isIssued(project.unit_id, month, tx)) {
        throw new ConflictError(
          'STATEMENT_ISSUED',
          `the statement for ${month} was issued already; corrections go into a later month`,
        );
      }
      const s = await this.repo.insertStatement(tx, {
        projectId,
        unitId: project.unit_id,
        month,
        agreementId: agreement.id,
        runningScheme: agreement.running_scheme,
        operatingModel: agreement.operating_model,
        totalFen: total,
        issuedBy: actor.username,
        dueOn,
        payee: terms?.payee ?? null,
      });
      await this.repo.insertLines(tx, s.id, lines);
      await this.repo.insertAllocations(tx, s.id, allocations);
      await this.audit.record(tx, actor, 'statement.issue', 'cost_statement', s.id, {
        projectId,
        month,
        statementNumber: s.statementNumber,
        totalFen: total,
      });
      // the agent hears of the unit's total; each owner of their own part (the unit's total as context)
      const owed = new Map<string, number>();
      for (const a of allocations) owed.set(a.ownerId, (owed.get(a.ownerId) ?? 0) + a.ownerFen);
      const notice = await this.notices.store(tx, [
        {
          kind: 'statement_issued',
          elevatorId: null,
          organisationId: null,
          unitId: project.unit_id,
          dedupeKey: `statement_issued:${s.id}`,
          title: `Statement ${s.statementNumber} for ${month} issued, due ${dueOn}`,
          data: { statementId: s.id, statementNumber: s.statementNumber, month, dueOn, totalFen: total },
        },
        ...[...owed].map(([ownerId, ownerFen]) => ({
          kind: 'statement_due' as const,
          elevatorId: null,
          organisationId: null,
          unitId: project.unit_id,
          ownerId,
          dedupeKey: `statement_due:${s.id}:${ownerId}`,
          title: `Statement ${s.statementNumber} for ${month}: you owe ${(ownerFen / 100).toFixed(2)} CNY (unit total ${(total / 100).toFixed(2)}), due ${dueOn}`,
          data: {
            statementId: s.id,
            statementNumber: s.statementNumber,
            month,
            dueOn,
            ownerFen,
            totalFen: total,
          },
        })),
      ]);
      return [s.id, notice] as const;
    });
    this.notices.publish(notices);
    return this.get(p, id);
  }

  /**
   * The months the agent may pick: from the month the elevator went into operation to the last
   * ended month (two years at most), each with whether it is issued already.
   */
  async issuableMonths(
    p: Principal,
    projectId: string,
  ): Promise<{ inOperationSince: string | null; months: Array<{ month: string; issued: boolean }> }> {
    const project = await this.projects.find(p, projectId);
    this.projects.requireManager(p);
    const since = project.phase === 'in_operation' ? (project.phase_dates.in_operation ?? null) : null;
    if (!since) return { inOperationSince: null, months: [] };
    const issued = await this.repo.issuedMonths(project.unit_id);
    const last = addMonthsToMonth(this.clock.today().slice(0, 7), -1);
    const first =
      since.slice(0, 7) > addMonthsToMonth(last, -23) ? since.slice(0, 7) : addMonthsToMonth(last, -23);
    const months: Array<{ month: string; issued: boolean }> = [];
    for (let m = last; m >= first; m = addMonthsToMonth(m, -1))
      months.push({ month: m, issued: issued.has(m) });
    return { inOperationSince: since, months };
  }

  private async checkIssuable(
    p: Principal,
    projectId: string,
    month: string,
  ): Promise<Awaited<ReturnType<ProjectsService['find']>>> {
    const project = await this.projects.find(p, projectId);
    this.projects.requireManager(p);
    if (project.phase !== 'in_operation') {
      throw new RuleViolationError(
        'NOT_IN_OPERATION',
        `running-cost statements start once the elevator is in operation (the project is in ${project.phase})`,
      );
    }
    const current = this.clock.today().slice(0, 7);
    if (month >= current)
      throw InvalidInputError.field('month', `only ended months can be issued (now ${current})`);
    const opened = project.phase_dates.in_operation;
    if (opened && lastDayOfMonth(month) < opened)
      throw InvalidInputError.field('month', `the elevator went into operation on ${opened}`);
    return project;
  }

  /** The total per flat by the running scheme, then per owner by the days each held the flat. */
  private async allocate(
    projectId: string,
    scheme: SplitScheme,
    month: string,
    total: number,
  ): Promise<
    Array<{
      flatId: string;
      flatFen: number;
      ownerId: string;
      ownerFen: number;
      days: number;
      sharePercent: number;
      from: string;
      to: string;
    }>
  > {
    const flats = await this.projects.flats(projectId);
    const perFlat =
      total >= 0 ? splitByScheme(scheme, flats, total) : splitByScheme(scheme, flats, -total).map((x) => -x);
    const holdings = await this.repo.holdings(
      flats.map((f) => f.flatId),
      bounds(month),
    );
    return flats.flatMap((f, i) =>
      splitFlatMonth(
        month,
        holdings
          .filter((h) => h.flat_id === f.flatId)
          .map((h) => ({
            ownerId: h.owner_id,
            sharePercent: Number(h.share_percent),
            validFrom: h.valid_from,
            validTo: h.valid_to,
          })),
        perFlat[i] ?? 0,
      ).map((part) => ({
        flatId: f.flatId,
        flatFen: perFlat[i] ?? 0,
        ownerId: part.ownerId,
        ownerFen: part.fen,
        days: part.days,
        sharePercent: part.sharePercent,
        from: part.from,
        to: part.to,
      })),
    );
  }

  // ---- reading ----

  /** Statements the caller sees, newest first: one query each for the page, its lines and its rows. */
  async list(
    p: Principal,
    filter: { unitId?: string; month?: string },
    limit: number,
    offset: number,
    lang: Lang = 'zh-CN',
  ): Promise<{ items: StatementView[]; total: number }> {
    const scope = this.scope(p);
    const { rows, total } = await this.repo.page(scope, filter, limit, offset);
    return { items: await this.views(p, scope, rows, lang), total };
  }

  async get(p: Principal, id: string, lang: Lang = 'zh-CN'): Promise<StatementView> {
    // one statement: outside the reader roles it is simply not there (404, as for any id)
    const scope = this.scope(p, true);
    const row = await this.repo.find(scope, id);
    if (!row) throw new NotFoundError('Statement', id);
    const [view] = await this.views(p, scope, [row], lang);
    return view;
  }

  private async views(
    p: Principal,
    scope: StatementScope,
    rows: StatementRow[],
    lang: Lang,
  ): Promise<StatementView[]> {
    const ids = rows.map((r) => r.id);
    const lines = await this.repo.linesOf(ids);
    const allocations = await this.repo.allocationsOf(ids, scope.ownerId);
    const places = await this.repo.places([...new Set(rows.map((r) => r.unit_id))]);
    const flatsOf = await this.repo.projectFlats([...new Set(rows.map((r) => r.project_id))]);
    return rows.map((s) => ({
      id: s.id,
      statementNumber: s.statement_number,
      projectId: s.project_id,
      unitId: s.unit_id,
      place: places.get(s.unit_id) ?? '',
      month: s.month,
      operatingModel: s.operating_model,
      operatingModelText: operatingModelLabel(s.operating_model, lang),
      runningScheme: s.running_scheme,
      schemeText: describeScheme(
        s.running_scheme as Partial<SplitScheme>,
        flatsOf.get(s.project_id) ?? [],
        lang,
      ),
      totalFen: Number(s.total_fen),
      dueOn: s.due_on,
      payee: s.payee ?? (lang === 'en' ? "the owners' agent of the unit" : '本单元业主委托人（实施主体）'),
      issuedAt: s.issued_at.toISOString(),
      issuedOn: businessDate(s.issued_at, this.clock.timeZone),
      issuedBy: s.issued_by,
      lines: (lines.get(s.id) ?? []).map((l) => ({
        ...l,
        label: categoryLabel(l.category, lang),
        text: describeLine(l, lang),
      })),
      allocations: (allocations.get(s.id) ?? []).map((a) =>
        allocationView(a, p, {
          scheme: s.running_scheme as unknown as SplitScheme,
          flats: flatsOf.get(s.project_id) ?? [],
          totalFen: Number(s.total_fen),
          monthDays: daysInMonth(s.month),
          lang,
        }),
      ),
    }));
  }

  /**
   * Owners: statements of units where they held a flat that month. Agent: its unit. Admin: all.
   * Other roles: a list is refused (403); one statement by id is not found (`one`).
   */
  private scope(p: Principal, one = false): StatementScope {
    switch (p.role) {
      case 'admin':
        return { sql: '', params: {}, ownerId: null };
      case 'agent':
        return { sql: ' AND s.unit_id = :scopeUnit', params: { scopeUnit: p.unitId }, ownerId: null };
      case 'owner':
        return {
          sql: ' AND s.id IN (SELECT sa.statement_id FROM cost_statement_allocations sa WHERE sa.owner_id = :scopeOwner)',
          params: { scopeOwner: p.ownerId },
          ownerId: p.ownerId,
        };
      default:
        if (one) return { sql: ' AND false', params: {}, ownerId: null };
        throw new ForbiddenError('OWNERS_ONLY', 'statements are for the owners, their agent and admins');
    }
  }

  /** For the monthly job: projects in operation without a statement for `month`. */
  pendingProjects(month: string): Promise<string[]> {
    return this.repo.pendingProjects(month, lastDayOfMonth(month));
  }
}

function allocationView(
  a: AllocationRow,
  viewer: Principal,
  ctx: { scheme: SplitScheme; flats: SplitFlat[]; totalFen: number; monthDays: number; lang: Lang },
): AllocationView {
  const working = ctx.scheme?.kind
    ? shareWorking(ctx.scheme, ctx.flats, a.flat_id, ctx.totalFen, Number(a.flat_fen))
    : null;
  return {
    flatId: a.flat_id,
    flatNumber: a.number,
    floor: a.floor,
    flatFen: Number(a.flat_fen),
    ownerId: a.owner_id,
    ownerName:
      viewer.role === 'owner' && viewer.ownerId === a.owner_id ? a.owner_name : maskName(a.owner_name),
    ownerFen: Number(a.owner_fen),
    days: a.days,
    sharePercent: Number(a.share_percent),
    periodFrom: a.period_from,
    periodTo: a.period_to,
    workingText: describeWorking(
      working,
      {
        sharePercent: Number(a.share_percent),
        days: a.days,
        monthDays: ctx.monthDays,
        ownerFen: Number(a.owner_fen),
      },
      ctx.lang,
    ),
  };
}

/** Days in a YYYY-MM month. */
function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
