import { Injectable, Optional } from '@nestjs/common';
import { AuditService, type Principal } from '@liftwatch/access';
import { addMonthsToMonth, daysBetween, lastDayOfMonth, maxDate, minDate } from '@liftwatch/calendar';
import { MaintenanceRepository } from '@liftwatch/maintenance';
import { TelemetryJobsService } from '@liftwatch/telemetry';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
  toCsv,
} from '@liftwatch/contract';
import { ProjectsService } from './projects.service';
import { type PdfLine, renderPdf } from './simple-pdf';
import { splitFlatMonth } from './rules/month-shares';
import { splitByScheme } from './rules/split-scheme';
import { electricityCost } from './rules/tariff';

export type LineCategory =
  | 'electricity'
  | 'maintenance'
  | 'insurance'
  | 'inspection'
  | 'parts'
  | 'repair'
  | 'other'
  | 'lease'
  | 'rides'
  | 'adjustment';

export interface CostLine {
  lineKey: string;
  category: LineCategory;
  elevatorId: string | null;
  description: string;
  amountFen: number;
  adjustsMonth: string | null;
  data: Record<string, unknown>;
}

export interface AllocationView {
  flatId: string;
  flatNumber: string;
  floor: number;
  flatFen: number;
  ownerId: string;
  ownerFen: number;
  days: number;
  sharePercent: number;
  periodFrom: string;
  periodTo: string;
}

export interface StatementView {
  id: string;
  projectId: string;
  unitId: string;
  month: string;
  operatingModel: string;
  runningScheme: Record<string, unknown>;
  totalFen: number;
  issuedAt: string;
  issuedBy: string;
  lines: CostLine[];
  /** owners see only their own rows */
  allocations: AllocationView[];
}

const SHANGHAI_MONTH_START = `(CAST(:first AS timestamp) AT TIME ZONE :tz)`;
const SHANGHAI_MONTH_END = `(CAST(:next AS timestamp) AT TIME ZONE :tz)`;

/** Days of [from, to] (inclusive dates) inside the month. */
function daysIn(month: string, from: string, to: string): number {
  const first = `${month}-01`;
  const last = lastDayOfMonth(month);
  const a = maxDate(from, first);
  const b = minDate(to, last);
  return a > b ? 0 : daysBetween(a, b) + 1;
}

const ADJUST_BACK_MONTHS = 2;

/**
 * Monthly running-cost statements per unit (business months, Asia/Shanghai): the elevator's
 * costs as lines, then per flat by the agreement's running scheme, then per owner by the days each
 * held the flat. Issued statements are append-only; a change found later (late meter data, a fee
 * recorded afterwards) becomes an adjustment line in the next statement issued.
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    @Optional() private readonly telemetryJobs?: TelemetryJobsService,
  ) {}

  /** What month `month` costs, computed now from the records (not issued). */
  async computeLines(projectId: string, unitId: string, month: string): Promise<CostLine[]> {
    const agreement = await this.projects.agreementRow(projectId);
    if (!agreement) throw new RuleViolationError('NO_AGREEMENT', 'the project has no agreement');
    const first = `${month}-01`;
    const last = lastDayOfMonth(month);
    const next = `${addMonthsToMonth(month, 1)}-01`;
    const tz = this.repo.timeZone;
    const elevators = await this.repo.query<{ id: string; registration_code: string }>(
      `SELECT id, registration_code FROM elevators WHERE unit_id = :unitId AND status <> 'decommissioned' ORDER BY registration_code`,
      { unitId },
    );
    const ids = elevators.map((e) => e.id);
    const lines: CostLine[] = [];
    const push = (l: Omit<CostLine, 'adjustsMonth'>): void => {
      if (l.amountFen !== 0) lines.push({ ...l, adjustsMonth: null });
    };
    const entries = await this.repo.query<{
      id: string;
      elevator_id: string | null;
      category: 'repair' | 'parts' | 'other';
      amount_fen: string;
      description: string;
      occurred_on: string;
    }>(
      `SELECT id, elevator_id, category, amount_fen, description, to_char(occurred_on, 'YYYY-MM-DD') AS occurred_on
         FROM cost_entries WHERE unit_id = :unitId AND occurred_on BETWEEN :first AND :last ORDER BY occurred_on, id`,
      { unitId, first, last },
    );
    for (const e of entries) {
      push({
        lineKey: `entry:${e.id}`,
        category: e.category,
        elevatorId: e.elevator_id,
        description: e.description,
        amountFen: Number(e.amount_fen),
        data: { occurredOn: e.occurred_on },
      });
    }
    if (ids.length === 0) return lines;

    if (agreement.operating_model === 'leased') {
      push({
        lineKey: 'lease',
        category: 'lease',
        elevatorId: null,
        description: 'fixed monthly fee to the investor',
        amountFen: Number(agreement.lease_monthly_fee_fen ?? 0),
        data: {},
      });
      return lines;
    }
    if (agreement.operating_model === 'shared') {
      const trips = await this.repo.query<{ elevator_id: string; trips: string }>(
        `SELECT elevator_id, sum(trips) AS trips FROM elevator_rollup_daily
          WHERE elevator_id IN (:...ids) AND day BETWEEN :first AND :last GROUP BY elevator_id`,
        { ids, first, last },
      );
      for (const t of trips) {
        const n = Number(t.trips);
        push({
          lineKey: `rides:${t.elevator_id}`,
          category: 'rides',
          elevatorId: t.elevator_id,
          description: `${n} rides × ${agreement.ride_price_fen ?? 0} fen`,
          amountFen: n * (agreement.ride_price_fen ?? 0),
          data: { trips: n, ridePriceFen: agreement.ride_price_fen },
        });
      }
      return lines;
    }

    // Electricity: the hourly rollups (meter resets and replacements already handled there).
    for (const e of elevators) {
      const hourly = await this.repo.query<{ hour: number; mkwh: string }>(
        `SELECT extract(hour FROM bucket AT TIME ZONE :tz)::int AS hour, round(sum(kwh) * 1000) AS mkwh
           FROM elevator_rollup_hourly
          WHERE elevator_id = :id AND bucket >= ${SHANGHAI_MONTH_START} AND bucket < ${SHANGHAI_MONTH_END}
          GROUP BY 1`,
        { id: e.id, tz, first, next },
      );
      const cost = electricityCost(
        agreement.tariff,
        hourly.map((h) => ({ hour: h.hour, milliKwh: Number(h.mkwh) })),
      );
      push({
        lineKey: `electricity:${e.id}`,
        category: 'electricity',
        elevatorId: e.id,
        description: `${(cost.milliKwh / 1000).toFixed(3)} kWh`,
        amountFen: cost.fen,
        data: { kwh: cost.milliKwh / 1000, byPeriod: cost.byPeriod, tariff: agreement.tariff },
      });
    }

    // Maintenance fee accrued by the days each contract covered in the month.
    const contracts = await this.repo.query<{
      id: string;
      contract_number: string;
      annual_fee_fen: string;
      starts_on: string;
      ends: string;
      includes_parts: boolean;
    }>(
      `SELECT DISTINCT c.id, c.contract_number, c.annual_fee_fen, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on,
              to_char(LEAST(c.ends_on, c.terminated_on - 1), 'YYYY-MM-DD') AS ends, c.includes_parts
         FROM maintenance_contracts c JOIN maintenance_contract_elevators ce ON ce.contract_id = c.id
        WHERE ce.elevator_id IN (:...ids) AND c.starts_on <= :last AND LEAST(c.ends_on, c.terminated_on - 1) >= :first`,
      { ids, first, last },
    );
    const yearDays = daysBetween(`${month.slice(0, 4)}-01-01`, `${Number(month.slice(0, 4)) + 1}-01-01`);
    for (const c of contracts) {
      const days = daysIn(month, c.starts_on, c.ends);
      const fen = Math.round((Number(c.annual_fee_fen) * days) / yearDays);
      push({
        lineKey: `maintenance:${c.id}`,
        category: 'maintenance',
        elevatorId: null,
        description: `contract ${c.contract_number}: ${days} of ${yearDays} days`,
        amountFen: fen,
        data: { days, annualFeeFen: Number(c.annual_fee_fen) },
      });
    }
    // Parts charged on maintenance records, unless the contract includes parts.
    const parts = await this.repo.query<{
      id: string;
      elevator_id: string;
      fen: string;
      includes_parts: boolean | null;
    }>(
      `SELECT r.id, r.elevator_id, (SELECT coalesce(sum((p->>'costFen')::bigint), 0) FROM jsonb_array_elements(r.parts) p) AS fen,
              c.includes_parts
         FROM maintenance_records r LEFT JOIN maintenance_contracts c ON c.id = r.contract_id
        WHERE r.elevator_id IN (:...ids) AND r.arrived_at >= ${SHANGHAI_MONTH_START} AND r.arrived_at < ${SHANGHAI_MONTH_END}
          AND NOT EXISTS (SELECT 1 FROM maintenance_records x WHERE x.corrects_id = r.id)`,
      { ids, tz, first, next },
    );
    for (const p of parts) {
      if (p.includes_parts) continue;
      push({
        lineKey: `parts:${p.id}`,
        category: 'parts',
        elevatorId: p.elevator_id,
        description: 'parts on a maintenance record',
        amountFen: Number(p.fen),
        data: { recordId: p.id },
      });
    }
    // Insurance premiums of the owners' policies, accrued over the policy term.
    const policies = await this.repo.query<{
      id: string;
      policy_number: string;
      premium_fen: string;
      starts_on: string;
      ends_on: string;
      ends: string;
    }>(
      `SELECT DISTINCT p.id, p.policy_number, p.premium_fen, to_char(p.starts_on, 'YYYY-MM-DD') AS starts_on,
              to_char(p.ends_on, 'YYYY-MM-DD') AS ends_on, to_char(LEAST(p.ends_on, p.cancelled_on - 1), 'YYYY-MM-DD') AS ends
         FROM insurance_policies p JOIN insurance_policy_elevators pe ON pe.policy_id = p.id
        WHERE pe.elevator_id IN (:...ids) AND p.policyholder_kind = 'owners' AND p.policyholder_unit_id = :unitId
          AND p.starts_on <= :last AND LEAST(p.ends_on, p.cancelled_on - 1) >= :first`,
      { ids, unitId, first, last },
    );
    for (const p of policies) {
      const term = daysBetween(p.starts_on, p.ends_on) + 1;
      const days = daysIn(month, p.starts_on, p.ends);
      push({
        lineKey: `insurance:${p.id}`,
        category: 'insurance',
        elevatorId: null,
        description: `policy ${p.policy_number}: ${days} of ${term} days`,
        amountFen: Math.round((Number(p.premium_fen) * days) / term),
        data: { days, termDays: term, premiumFen: Number(p.premium_fen) },
      });
    }
    // Inspection and self-test fees in the month they occur.
    const inspections = await this.repo.query<{
      id: string;
      elevator_id: string;
      kind: string;
      fee_fen: string;
      report_number: string;
    }>(
      `SELECT id, elevator_id, kind, fee_fen, report_number FROM inspection_records
        WHERE elevator_id IN (:...ids) AND inspected_on BETWEEN :first AND :last AND fee_fen IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM inspection_records s WHERE s.supersedes_id = inspection_records.id)`,
      { ids, first, last },
    );
    for (const i of inspections) {
      push({
        lineKey: `inspection:${i.id}`,
        category: 'inspection',
        elevatorId: i.elevator_id,
        description: `${i.kind} ${i.report_number}`,
        amountFen: Number(i.fee_fen),
        data: {},
      });
    }
    return lines;
  }

  /** Issues the statement of `month` for a project in operation; refuses a month already issued. */
  async issue(p: Principal, projectId: string, month: string, actor = p): Promise<StatementView> {
    const project = await this.projects.find(p, projectId);
    this.projects.requireManager(p);
    if (project.phase !== 'in_operation') {
      throw new RuleViolationError(
        'NOT_IN_OPERATION',
        `running-cost statements start once the elevator is in operation (the project is in ${project.phase})`,
      );
    }
    const current = this.repo.today().slice(0, 7);
    if (month >= current)
      throw InvalidInputError.field('month', `only ended months can be issued (now ${current})`);
    const opened = project.phase_dates.in_operation;
    if (opened && lastDayOfMonth(month) < opened)
      throw InvalidInputError.field('month', `the elevator went into operation on ${opened}`);
    await this.telemetryJobs?.refreshRollups();
    const lines = await this.computeLines(projectId, project.unit_id, month);
    lines.push(...(await this.adjustments(projectId, project.unit_id, month)));
    const agreement = (await this.projects.agreementRow(projectId))!;
    const flats = await this.projects.flats(projectId);
    const total = lines.reduce((a, l) => a + l.amountFen, 0);
    const perFlat =
      total >= 0
        ? splitByScheme(agreement.running_scheme, flats, total)
        : splitByScheme(agreement.running_scheme, flats, -total).map((x) => -x);
    const holdings = await this.repo.query<{
      flat_id: string;
      owner_id: string;
      share_percent: string;
      valid_from: string;
      valid_to: string | null;
    }>(
      `SELECT flat_id, owner_id, share_percent, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
         FROM flat_ownerships WHERE flat_id IN (:...ids) AND valid_from <= :last AND (valid_to IS NULL OR valid_to > :first)`,
      { ids: flats.map((f) => f.flatId), first: `${month}-01`, last: lastDayOfMonth(month) },
    );
    const id = await this.repo.ds.transaction(async (em) => {
      await em.query(`SELECT 1 FROM retrofit_projects WHERE id = $1 FOR UPDATE`, [projectId]);
      const exists = await em.query<unknown[]>(
        `SELECT 1 FROM cost_statements WHERE unit_id = $1 AND month = $2`,
        [project.unit_id, month],
      );
      if (exists.length > 0)
        throw new ConflictError(
          'STATEMENT_ISSUED',
          `the statement for ${month} was issued already; corrections go into a later month`,
        );
      const [row] = await em.query<Array<{ id: string }>>(
        `INSERT INTO cost_statements (project_id, unit_id, month, agreement_id, running_scheme, operating_model, total_fen, issued_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING id`,
        [
          projectId,
          project.unit_id,
          month,
          agreement.id,
          JSON.stringify(agreement.running_scheme),
          agreement.operating_model,
          total,
          actor.username,
        ],
      );
      const statementId = row.id;
      for (const l of lines) {
        await em.query(
          `INSERT INTO cost_statement_lines (statement_id, line_key, category, elevator_id, description, amount_fen, adjusts_month, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
          [
            statementId,
            l.lineKey,
            l.category,
            l.elevatorId,
            l.description,
            l.amountFen,
            l.adjustsMonth,
            JSON.stringify(l.data),
          ],
        );
      }
      for (const [i, f] of flats.entries()) {
        const parts = splitFlatMonth(
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
        );
        for (const part of parts) {
          await em.query(
            `INSERT INTO cost_statement_allocations (statement_id, flat_id, flat_fen, owner_id, owner_fen, days, share_percent, period_from, period_to)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              statementId,
              f.flatId,
              perFlat[i] ?? 0,
              part.ownerId,
              part.fen,
              part.days,
              part.sharePercent,
              part.from,
              part.to,
            ],
          );
        }
      }
      await this.audit.record(em, actor, 'statement.issue', 'cost_statement', statementId, {
        projectId,
        month,
        totalFen: total,
      });
      return statementId;
    });
    return this.get(p, id);
  }

  /**
   * Differences between what earlier issued statements charged and what their months cost now,
   * per line; each becomes an adjustment line (the earlier statement is never changed).
   */
  private async adjustments(projectId: string, unitId: string, month: string): Promise<CostLine[]> {
    const out: CostLine[] = [];
    for (let back = 1; back <= ADJUST_BACK_MONTHS; back++) {
      const earlier = addMonthsToMonth(month, -back);
      const issued = await this.repo.query<{ line_key: string; fen: string }>(
        `SELECT l.line_key, sum(l.amount_fen) AS fen FROM cost_statement_lines l JOIN cost_statements s ON s.id = l.statement_id
          WHERE s.unit_id = :unitId AND ((s.month = :earlier AND l.adjusts_month IS NULL) OR l.adjusts_month = :earlier)
          GROUP BY l.line_key`,
        { unitId, earlier },
      );
      const wasIssued = await this.repo.query(
        `SELECT 1 FROM cost_statements WHERE unit_id = :unitId AND month = :earlier`,
        { unitId, earlier },
      );
      if (wasIssued.length === 0) continue;
      const now = await this.computeLines(projectId, unitId, earlier);
      const charged = new Map(issued.map((i) => [i.line_key, Number(i.fen)]));
      const keys = new Set([...charged.keys(), ...now.map((l) => l.lineKey)]);
      for (const key of [...keys].sort()) {
        const line = now.find((l) => l.lineKey === key);
        const diff = (line?.amountFen ?? 0) - (charged.get(key) ?? 0);
        if (diff === 0) continue;
        out.push({
          lineKey: key,
          category: 'adjustment',
          elevatorId: line?.elevatorId ?? null,
          description: `adjustment for ${earlier}: ${line?.category ?? key} ${line?.description ?? 'no longer charged'}`,
          amountFen: diff,
          adjustsMonth: earlier,
          data: { charged: charged.get(key) ?? 0, now: line?.amountFen ?? 0 },
        });
      }
    }
    return out;
  }

  async list(p: Principal, unitId?: string, month?: string): Promise<StatementView[]> {
    const scope = this.scope(p);
    const rows = await this.repo.query<{ id: string }>(
      `SELECT s.id FROM cost_statements s WHERE true${scope.sql}
         AND (CAST(:unitId AS uuid) IS NULL OR s.unit_id = CAST(:unitId AS uuid)) AND (CAST(:month AS text) IS NULL OR s.month = CAST(:month AS text))
        ORDER BY s.month DESC, s.issued_at DESC LIMIT 200`,
      { ...scope.params, unitId: unitId ?? null, month: month ?? null },
    );
    return Promise.all(rows.map((r) => this.get(p, r.id)));
  }

  async get(p: Principal, id: string): Promise<StatementView> {
    const scope = this.scope(p);
    const [s] = await this.repo.query<{
      id: string;
      project_id: string;
      unit_id: string;
      month: string;
      operating_model: string;
      running_scheme: Record<string, unknown>;
      total_fen: string;
      issued_at: Date;
      issued_by: string;
    }>(`SELECT s.* FROM cost_statements s WHERE s.id = :id${scope.sql}`, { id, ...scope.params });
    if (!s) throw new NotFoundError('Statement', id);
    const lines = await this.repo.query<{
      line_key: string;
      category: LineCategory;
      elevator_id: string | null;
      description: string;
      amount_fen: string;
      adjusts_month: string | null;
      data: Record<string, unknown>;
    }>(
      `SELECT line_key, category, elevator_id, description, amount_fen, adjusts_month, data FROM cost_statement_lines WHERE statement_id = :id ORDER BY id`,
      { id },
    );
    const allocations = await this.repo.query<{
      flat_id: string;
      number: string;
      floor: number;
      flat_fen: string;
      owner_id: string;
      owner_fen: string;
      days: number;
      share_percent: string;
      period_from: string;
      period_to: string;
    }>(
      `SELECT a.flat_id, f.number, f.floor, a.flat_fen, a.owner_id, a.owner_fen, a.days, a.share_percent,
              to_char(a.period_from, 'YYYY-MM-DD') AS period_from, to_char(a.period_to, 'YYYY-MM-DD') AS period_to
         FROM cost_statement_allocations a JOIN flats f ON f.id = a.flat_id
        WHERE a.statement_id = :id AND (CAST(:owner AS uuid) IS NULL OR a.owner_id = CAST(:owner AS uuid))
        ORDER BY f.floor, f.number, a.period_from`,
      { id, owner: p.role === 'owner' ? p.ownerId : null },
    );
    return {
      id: s.id,
      projectId: s.project_id,
      unitId: s.unit_id,
      month: s.month,
      operatingModel: s.operating_model,
      runningScheme: s.running_scheme,
      totalFen: Number(s.total_fen),
      issuedAt: s.issued_at.toISOString(),
      issuedBy: s.issued_by,
      lines: lines.map((l) => ({
        lineKey: l.line_key,
        category: l.category,
        elevatorId: l.elevator_id,
        description: l.description,
        amountFen: Number(l.amount_fen),
        adjustsMonth: l.adjusts_month,
        data: l.data,
      })),
      allocations: allocations.map((a) => ({
        flatId: a.flat_id,
        flatNumber: a.number,
        floor: a.floor,
        flatFen: Number(a.flat_fen),
        ownerId: a.owner_id,
        ownerFen: Number(a.owner_fen),
        days: a.days,
        sharePercent: Number(a.share_percent),
        periodFrom: a.period_from,
        periodTo: a.period_to,
      })),
    };
  }

  async csv(p: Principal, id: string): Promise<string> {
    const s = await this.get(p, id);
    const fmt = (fen: number): string => (fen / 100).toFixed(2);
    const rows: Array<Array<string | number | null>> = [];
    for (const l of s.lines)
      rows.push(['cost', l.category, l.description, l.adjustsMonth, '', '', '', fmt(l.amountFen)]);
    rows.push(['total', '', '', '', '', '', '', fmt(s.totalFen)]);
    for (const a of s.allocations) {
      rows.push([
        'share',
        `flat ${a.flatNumber}`,
        `owner ${a.ownerId}`,
        `${a.periodFrom}..${a.periodTo}`,
        a.days,
        a.sharePercent,
        fmt(a.flatFen),
        fmt(a.ownerFen),
      ]);
    }
    return toCsv(
      ['row', 'item', 'detail', 'period', 'days', 'share_percent', 'flat_cny', 'amount_cny'],
      rows,
    );
  }

  /** The statement as a printable PDF (Chinese labels, amounts in CNY). */
  async pdf(p: Principal, id: string): Promise<Buffer> {
    const s = await this.get(p, id);
    const [where] = await this.repo.query<{
      community: string;
      building: string;
      unit: string;
      address: string;
    }>(
      `SELECT b.community, b.name AS building, u.name AS unit, b.address FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = :id`,
      { id: s.unitId },
    );
    const names = new Map(
      (
        await this.repo.query<{ id: string; name: string }>(
          `SELECT id, name FROM owners WHERE id IN (:...ids)`,
          {
            ids:
              s.allocations.length > 0
                ? s.allocations.map((a) => a.ownerId)
                : ['00000000-0000-0000-0000-000000000000'],
          },
        )
      ).map((o) => [o.id, o.name]),
    );
    const cny = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;
    const label: Record<string, string> = {
      electricity: '电费',
      maintenance: '维保费',
      insurance: '保险费',
      inspection: '检验检测费',
      parts: '配件',
      repair: '维修',
      other: '其他',
      lease: '租赁费',
      rides: '乘梯费',
      adjustment: '调整',
    };
    const lines: PdfLine[] = [
      { text: `电梯运行费用月结单  Monthly running-cost statement  ${s.month}`, size: 14 },
      {
        text: `${where?.community ?? ''} ${where?.building ?? ''} ${where?.unit ?? ''}  ${where?.address ?? ''}`,
      },
      {
        text: `运营模式 ${s.operatingModel}  分摊方案 ${String(s.runningScheme.kind)}  出具 ${s.issuedAt.slice(0, 10)}`,
      },
      { text: '费用明细 Costs', size: 12, gap: 8 },
      ...s.lines.map((l) => ({
        text: `${label[l.category] ?? l.category}${l.adjustsMonth ? `(${l.adjustsMonth})` : ''}  ${l.description}  ${cny(l.amountFen)}`,
      })),
      { text: `合计 Total  ${cny(s.totalFen)}`, size: 12, gap: 4 },
      { text: '分摊 Shares', size: 12, gap: 8 },
      ...s.allocations.map((a) => ({
        text: `${a.flatNumber}室  ${names.get(a.ownerId) ?? a.ownerId}  ${a.periodFrom}~${a.periodTo} ${a.days}天 ${a.sharePercent}%  本户 ${cny(a.flatFen)}  应缴 ${cny(a.ownerFen)}`,
      })),
    ];
    return renderPdf(`${s.month} 电梯运行费用`, lines);
  }

  /** Owners: statements of units where they held a flat that month. Agent: its unit. Admin: all. */
  private scope(p: Principal): { sql: string; params: Record<string, unknown> } {
    switch (p.role) {
      case 'admin':
        return { sql: '', params: {} };
      case 'agent':
        return { sql: ' AND s.unit_id = :scopeUnit', params: { scopeUnit: p.unitId } };
      case 'owner':
        return {
          sql: ' AND s.id IN (SELECT sa.statement_id FROM cost_statement_allocations sa WHERE sa.owner_id = :scopeOwner)',
          params: { scopeOwner: p.ownerId },
        };
      default:
        throw new ForbiddenError('statements are for the owners, their agent and admins', 'OWNERS_ONLY');
    }
  }

  /** For the monthly job: projects in operation without a statement for `month`. */
  async pendingProjects(month: string): Promise<string[]> {
    const rows = await this.repo.query<{ id: string }>(
      `SELECT rp.id FROM retrofit_projects rp WHERE rp.phase = 'in_operation'
          AND EXISTS (SELECT 1 FROM project_agreements pa WHERE pa.project_id = rp.id)
          AND NOT EXISTS (SELECT 1 FROM cost_statements s WHERE s.unit_id = rp.unit_id AND s.month = :month)
          AND (rp.phase_dates->>'in_operation')::date <= CAST(:last AS date)`,
      { month, last: lastDayOfMonth(month) },
    );
    return rows.map((r) => r.id);
  }
}
