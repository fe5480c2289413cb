import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { type Db, Sql } from '@liftwatch/database';
import { type LineCategory } from './statement-text';

/** A stored statement line (or one computed, before issue). */
export interface CostLine {
  lineKey: string;
  category: LineCategory;
  elevatorId: string | null;
  description: string;
  amountFen: number;
  adjustsMonth: string | null;
  data: Record<string, unknown>;
}

export interface StatementRow {
  id: string;
  project_id: string;
  unit_id: string;
  month: string;
  statement_number: string;
  due_on: string;
  payee: string | null;
  operating_model: string;
  running_scheme: Record<string, unknown>;
  total_fen: string;
  issued_at: Date;
  issued_by: string;
}

export interface AllocationRow {
  statement_id: string;
  flat_id: string;
  number: string;
  floor: number;
  flat_fen: string;
  owner_id: string;
  owner_name: string;
  owner_fen: string;
  days: number;
  share_percent: string;
  period_from: string;
  period_to: string;
}

export interface UnitPlace {
  community: string;
  building: string;
  unit: string;
  address: string;
}

/** Who may see which statements: a SQL condition on `s` with its parameters. */
export interface StatementScope {
  sql: string;
  params: Record<string, unknown>;
  /** owners see only their own allocation rows */
  ownerId: string | null;
}

const STATEMENT_COLUMNS = `s.id, s.project_id, s.unit_id, s.month, s.statement_number,
  to_char(s.due_on, 'YYYY-MM-DD') AS due_on, s.payee, s.operating_model, s.running_scheme, s.total_fen, s.issued_at,
  s.issued_by`;

/** The business month [first, next) as timestamptz bounds, in the business time zone. */
const MONTH_START = `(CAST(:first AS timestamp) AT TIME ZONE :tz)`;
const MONTH_END = `(CAST(:next AS timestamp) AT TIME ZONE :tz)`;

export interface MonthBounds {
  first: string;
  last: string;
  next: string;
}

/** Every query of the running-cost statements: the cost sources of a month, and issued statements. */
@Injectable()
export class StatementRepository {
  constructor(
    private readonly sql: Sql,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get tz(): string {
    return this.config.businessTimeZone;
  }

  // ---- what a month cost ----

  elevatorsOfUnit(unitId: string): Promise<Array<{ id: string; registration_code: string }>> {
    return this.sql.query(
      `SELECT id, registration_code FROM elevators WHERE unit_id = :unitId AND status <> 'decommissioned'
        ORDER BY registration_code`,
      { unitId },
    );
  }

  costEntries(
    unitId: string,
    m: MonthBounds,
  ): Promise<
    Array<{
      id: string;
      elevator_id: string | null;
      category: 'repair' | 'parts' | 'other';
      amount_fen: string;
      description: string;
      occurred_on: string;
    }>
  > {
    return this.sql.query(
      `SELECT id, elevator_id, category, amount_fen, description, to_char(occurred_on, 'YYYY-MM-DD') AS occurred_on
         FROM cost_entries WHERE unit_id = :unitId AND occurred_on BETWEEN :first AND :last ORDER BY occurred_on, id`,
      { unitId, first: m.first, last: m.last },
    );
  }

  tripsPerElevator(ids: string[], m: MonthBounds): Promise<Array<{ elevator_id: string; trips: string }>> {
    return this.sql.query(
      `SELECT elevator_id, sum(trips) AS trips FROM elevator_rollup_daily
        WHERE elevator_id IN (:...ids) AND day BETWEEN :first AND :last GROUP BY elevator_id ORDER BY elevator_id`,
      { ids, first: m.first, last: m.last },
    );
  }

  /** Metered energy per business hour of day (0–23), milli-kWh, from the hourly rollups. */
  async energyByHour(elevatorId: string, m: MonthBounds): Promise<Array<{ hour: number; milliKwh: number }>> {
    const rows = await this.sql.query<{ hour: number; mkwh: string }>(
      `SELECT extract(hour FROM bucket AT TIME ZONE :tz)::int AS hour, round(sum(kwh) * 1000) AS mkwh
         FROM elevator_rollup_hourly
        WHERE elevator_id = :id AND bucket >= ${MONTH_START} AND bucket < ${MONTH_END}
        GROUP BY 1`,
      { id: elevatorId, tz: this.tz, first: m.first, next: m.next },
    );
    return rows.map((h) => ({ hour: h.hour, milliKwh: Number(h.mkwh) }));
  }

  /** Spikes in the elevator's meter readings of the month that nobody has resolved (counted as nothing). */
  async openMeterAnomalies(elevatorId: string, m: MonthBounds): Promise<number> {
    const row = await this.sql.one<{ n: string }>(
      `SELECT count(*) AS n FROM meter_anomalies
        WHERE elevator_id = :id AND status = 'open' AND reading_ts >= ${MONTH_START} AND reading_ts < ${MONTH_END}`,
      { id: elevatorId, tz: this.tz, first: m.first, next: m.next },
    );
    return Number(row?.n ?? 0);
  }

  /** Maintenance contracts of the elevators in force some day of the month. */
  contractsInMonth(
    ids: string[],
    m: MonthBounds,
  ): Promise<
    Array<{ id: string; contract_number: string; annual_fee_fen: string; starts_on: string; ends: string }>
  > {
    return this.sql.query(
      `SELECT DISTINCT c.id, c.contract_number, c.annual_fee_fen, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on,
              to_char(LEAST(c.ends_on, c.terminated_on - 1), 'YYYY-MM-DD') AS ends
         FROM maintenance_contracts c JOIN maintenance_contract_elevators ce ON ce.contract_id = c.id
        WHERE ce.elevator_id IN (:...ids) AND c.starts_on <= :last AND LEAST(c.ends_on, c.terminated_on - 1) >= :first
        ORDER BY c.contract_number`,
      { ids, first: m.first, last: m.last },
    );
  }

  /** Parts charged on the month's maintenance records (current versions), with whether the contract covers parts. */
  partsOnRecords(
    ids: string[],
    m: MonthBounds,
  ): Promise<Array<{ id: string; elevator_id: string; fen: string; includes_parts: boolean | null }>> {
    return this.sql.query(
      `SELECT r.id, r.elevator_id,
              (SELECT coalesce(sum((p->>'costFen')::bigint), 0) FROM jsonb_array_elements(r.parts) p) AS fen,
              c.includes_parts
         FROM maintenance_records r LEFT JOIN maintenance_contracts c ON c.id = r.contract_id
        WHERE r.elevator_id IN (:...ids) AND r.arrived_at >= ${MONTH_START} AND r.arrived_at < ${MONTH_END}
          AND NOT EXISTS (SELECT 1 FROM maintenance_records x WHERE x.corrects_id = r.id)
        ORDER BY r.arrived_at, r.id`,
      { ids, tz: this.tz, first: m.first, next: m.next },
    );
  }

  /** The owners' insurance policies covering the elevators some day of the month. */
  ownersPoliciesInMonth(
    ids: string[],
    unitId: string,
    m: MonthBounds,
  ): Promise<
    Array<{
      id: string;
      policy_number: string;
      premium_fen: string;
      starts_on: string;
      ends_on: string;
      ends: string;
    }>
  > {
    return this.sql.query(
      `SELECT DISTINCT p.id, p.policy_number, p.premium_fen, to_char(p.starts_on, 'YYYY-MM-DD') AS starts_on,
              to_char(p.ends_on, 'YYYY-MM-DD') AS ends_on, to_char(LEAST(p.ends_on, p.cancelled_on - 1), 'YYYY-MM-DD') AS ends
         FROM insurance_policies p JOIN insurance_policy_elevators pe ON pe.policy_id = p.id
        WHERE pe.elevator_id IN (:...ids) AND p.policyholder_kind = 'owners' AND p.policyholder_unit_id = :unitId
          AND p.starts_on <= :last AND LEAST(p.ends_on, p.cancelled_on - 1) >= :first
        ORDER BY p.policy_number`,
      { ids, unitId, first: m.first, last: m.last },
    );
  }

  /** Inspection and self-test fees of reports dated in the month (current versions). */
  inspectionFees(
    ids: string[],
    m: MonthBounds,
  ): Promise<
    Array<{ id: string; elevator_id: string; kind: string; fee_fen: string; report_number: string }>
  > {
    return this.sql.query(
      `SELECT id, elevator_id, kind, fee_fen, report_number FROM inspection_records
        WHERE elevator_id IN (:...ids) AND inspected_on BETWEEN :first AND :last AND fee_fen IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM inspection_records s WHERE s.supersedes_id = inspection_records.id)
        ORDER BY inspected_on, id`,
      { ids, first: m.first, last: m.last },
    );
  }

  /** Who held each flat some day of the month, with their share. */
  holdings(
    flatIds: string[],
    m: MonthBounds,
  ): Promise<
    Array<{
      flat_id: string;
      owner_id: string;
      share_percent: string;
      valid_from: string;
      valid_to: string | null;
    }>
  > {
    return this.sql.query(
      `SELECT flat_id, owner_id, share_percent, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
              to_char(valid_to, 'YYYY-MM-DD') AS valid_to
         FROM flat_ownerships WHERE flat_id IN (:...ids) AND valid_from <= :last AND (valid_to IS NULL OR valid_to > :first)`,
      {
        ids: flatIds.length > 0 ? flatIds : ['00000000-0000-0000-0000-000000000000'],
        first: m.first,
        last: m.last,
      },
    );
  }

  // ---- issued statements ----

  /** Locks the project row: one issue of a month at a time. */
  async lockProject(tx: EntityManager, projectId: string): Promise<void> {
    await this.sql.query(
      `SELECT 1 FROM retrofit_projects WHERE id = :projectId FOR UPDATE`,
      { projectId },
      tx,
    );
  }

  /** The months already issued for the unit. */
  async issuedMonths(unitId: string): Promise<Set<string>> {
    const rows = await this.sql.query<{ month: string }>(
      `SELECT month FROM cost_statements WHERE unit_id = :unitId`,
      { unitId },
    );
    return new Set(rows.map((r) => r.month));
  }

  async isIssued(unitId: string, month: string, db: Db = this.sql.ds): Promise<boolean> {
    const rows = await this.sql.query(
      `SELECT 1 FROM cost_statements WHERE unit_id = :unitId AND month = :month`,
      {
        unitId,
        month,
      },
      db,
    );
    return rows.length > 0;
  }

  /** What the statements issued so far charged for `month`, per line key (its own lines and later adjustments). */
  async chargedFor(unitId: string, month: string): Promise<Map<string, number>> {
    const rows = await this.sql.query<{ line_key: string; fen: string }>(
      `SELECT l.line_key, sum(l.amount_fen) AS fen FROM cost_statement_lines l JOIN cost_statements s ON s.id = l.statement_id
        WHERE s.unit_id = :unitId AND ((s.month = :month AND l.adjusts_month IS NULL) OR l.adjusts_month = :month)
        GROUP BY l.line_key`,
      { unitId, month },
    );
    return new Map(rows.map((r) => [r.line_key, Number(r.fen)]));
  }

  async insertStatement(
    tx: EntityManager,
    s: {
      projectId: string;
      unitId: string;
      month: string;
      agreementId: string;
      runningScheme: unknown;
      operatingModel: string;
      totalFen: number;
      issuedBy: string;
      dueOn: string;
      payee: string | null;
    },
  ): Promise<{ id: string; statementNumber: string }> {
    const [row] = await this.sql.query<{ id: string; statement_number: string }>(
      `INSERT INTO cost_statements (project_id, unit_id, month, agreement_id, running_scheme, operating_model, total_fen,
                                    issued_by, statement_number, due_on, payee)
       VALUES (:projectId, :unitId, :month, :agreementId, CAST(:scheme AS jsonb), :model, :total, :issuedBy,
               'LW' || replace(:month, '-', '') || '-' || lpad(nextval('cost_statement_number_seq')::text, 6, '0'),
               :dueOn, :payee)
       RETURNING id, statement_number`,
      {
        projectId: s.projectId,
        unitId: s.unitId,
        month: s.month,
        agreementId: s.agreementId,
        scheme: JSON.stringify(s.runningScheme),
        model: s.operatingModel,
        total: s.totalFen,
        issuedBy: s.issuedBy,
        dueOn: s.dueOn,
        payee: s.payee,
      },
      tx,
    );
    if (!row) throw new Error('statement insert returned nothing');
    return { id: row.id, statementNumber: row.statement_number };
  }

  async insertLines(tx: EntityManager, statementId: string, lines: readonly CostLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.sql.query(
      `INSERT INTO cost_statement_lines (statement_id, line_key, category, elevator_id, description, amount_fen, adjusts_month, data)
       SELECT :statementId, k, c, e, d, a, m, CAST(x AS jsonb)
         FROM unnest(CAST(:keys AS text[]), CAST(:cats AS text[]), CAST(:elevators AS uuid[]), CAST(:descs AS text[]),
                     CAST(:amounts AS bigint[]), CAST(:months AS text[]), CAST(:datas AS text[]))
              WITH ORDINALITY AS t(k, c, e, d, a, m, x, n)
        ORDER BY n`,
      {
        statementId,
        keys: lines.map((l) => l.lineKey),
        cats: lines.map((l) => l.category),
        elevators: lines.map((l) => l.elevatorId),
        descs: lines.map((l) => l.description),
        amounts: lines.map((l) => l.amountFen),
        months: lines.map((l) => l.adjustsMonth),
        datas: lines.map((l) => JSON.stringify(l.data)),
      },
      tx,
    );
  }

  async insertAllocations(
    tx: EntityManager,
    statementId: string,
    rows: ReadonlyArray<{
      flatId: string;
      flatFen: number;
      ownerId: string;
      ownerFen: number;
      days: number;
      sharePercent: number;
      from: string;
      to: string;
    }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.sql.query(
      `INSERT INTO cost_statement_allocations (statement_id, flat_id, flat_fen, owner_id, owner_fen, days, share_percent,
                                               period_from, period_to)
       SELECT :statementId, f, ff, o, ofe, d, sp, pf, pt
         FROM unnest(CAST(:flats AS uuid[]), CAST(:flatFen AS bigint[]), CAST(:owners AS uuid[]), CAST(:ownerFen AS bigint[]),
                     CAST(:days AS int[]), CAST(:shares AS numeric[]), CAST(:froms AS date[]), CAST(:tos AS date[]))
              WITH ORDINALITY AS t(f, ff, o, ofe, d, sp, pf, pt, n)
        ORDER BY n`,
      {
        statementId,
        flats: rows.map((r) => r.flatId),
        flatFen: rows.map((r) => r.flatFen),
        owners: rows.map((r) => r.ownerId),
        ownerFen: rows.map((r) => r.ownerFen),
        days: rows.map((r) => r.days),
        shares: rows.map((r) => r.sharePercent),
        froms: rows.map((r) => r.from),
        tos: rows.map((r) => r.to),
      },
      tx,
    );
  }

  /** Statements in scope, newest first, one page, with the total count. */
  async page(
    scope: StatementScope,
    filter: { unitId?: string; month?: string },
    limit: number,
    offset: number,
  ): Promise<{ rows: StatementRow[]; total: number }> {
    const rows = await this.sql.query<StatementRow & { total: string }>(
      `SELECT ${STATEMENT_COLUMNS}, count(*) OVER () AS total FROM cost_statements s
        WHERE true${scope.sql}
          AND (CAST(:unitId AS uuid) IS NULL OR s.unit_id = CAST(:unitId AS uuid))
          AND (CAST(:month AS text) IS NULL OR s.month = CAST(:month AS text))
        ORDER BY s.month DESC, s.issued_at DESC
        LIMIT :limit OFFSET :offset`,
      { ...scope.params, unitId: filter.unitId ?? null, month: filter.month ?? null, limit, offset },
    );
    return { rows, total: Number(rows[0]?.total ?? 0) };
  }

  async find(scope: StatementScope, id: string): Promise<StatementRow | undefined> {
    return this.sql.one<StatementRow>(
      `SELECT ${STATEMENT_COLUMNS} FROM cost_statements s WHERE s.id = :id${scope.sql}`,
      {
        id,
        ...scope.params,
      },
    );
  }

  /** Lines of several statements at once (lists load them in one query, not one per statement). */
  async linesOf(ids: string[]): Promise<Map<string, CostLine[]>> {
    const out = new Map<string, CostLine[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await this.sql.query<{
      statement_id: string;
      line_key: string;
      category: LineCategory;
      elevator_id: string | null;
      description: string;
      amount_fen: string;
      adjusts_month: string | null;
      data: Record<string, unknown>;
    }>(
      `SELECT statement_id, line_key, category, elevator_id, description, amount_fen, adjusts_month, data
         FROM cost_statement_lines WHERE statement_id IN (:...ids) ORDER BY statement_id, id`,
      { ids },
    );
    for (const l of rows) {
      out.get(l.statement_id)?.push({
        lineKey: l.line_key,
        category: l.category,
        elevatorId: l.elevator_id,
        description: l.description,
        amountFen: Number(l.amount_fen),
        adjustsMonth: l.adjusts_month,
        data: l.data,
      });
    }
    return out;
  }

  /** Allocation rows of several statements; only `ownerId`'s rows when given. */
  async allocationsOf(ids: string[], ownerId: string | null): Promise<Map<string, AllocationRow[]>> {
    const out = new Map<string, AllocationRow[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await this.sql.query<AllocationRow>(
      `SELECT a.statement_id, a.flat_id, f.number, f.floor, a.flat_fen, a.owner_id, o.name AS owner_name, a.owner_fen,
              a.days, a.share_percent, to_char(a.period_from, 'YYYY-MM-DD') AS period_from,
              to_char(a.period_to, 'YYYY-MM-DD') AS period_to
         FROM cost_statement_allocations a JOIN flats f ON f.id = a.flat_id JOIN owners o ON o.id = a.owner_id
        WHERE a.statement_id IN (:...ids) AND (CAST(:owner AS uuid) IS NULL OR a.owner_id = CAST(:owner AS uuid))
        ORDER BY a.statement_id, f.floor, f.number, a.period_from`,
      { ids, owner: ownerId },
    );
    for (const r of rows) out.get(r.statement_id)?.push(r);
    return out;
  }

  /** Where each unit is ("community building unit"), for a page of statements in one query. */
  async places(unitIds: string[]): Promise<Map<string, string>> {
    if (unitIds.length === 0) return new Map();
    const rows = await this.sql.query<UnitPlace & { id: string }>(
      `SELECT u.id, b.community, b.name AS building, u.name AS unit, b.address
         FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id IN (:...unitIds)`,
      { unitIds },
    );
    return new Map(rows.map((r) => [r.id, `${r.community} ${r.building} ${r.unit}`]));
  }

  /** Flat numbers of each project, for the scheme in words, in one query. */
  async projectFlats(
    projectIds: string[],
  ): Promise<Map<string, Array<{ flatId: string; number: string; floor: number; areaM2: number }>>> {
    const out = new Map<string, Array<{ flatId: string; number: string; floor: number; areaM2: number }>>(
      projectIds.map((id) => [id, []]),
    );
    if (projectIds.length === 0) return out;
    const rows = await this.sql.query<{
      projectId: string;
      flatId: string;
      number: string;
      floor: number;
      areaM2: string;
    }>(
      `SELECT pf.project_id AS "projectId", f.id AS "flatId", f.number, f.floor, f.area_m2 AS "areaM2"
         FROM project_flats pf JOIN flats f ON f.id = pf.flat_id
        WHERE pf.project_id IN (:...projectIds) ORDER BY f.floor, f.number`,
      { projectIds },
    );
    for (const { projectId, areaM2, ...flat } of rows)
      out.get(projectId)?.push({ ...flat, areaM2: Number(areaM2) });
    return out;
  }

  /** Projects in operation with an agreement and no statement for `month` yet (the monthly job). */
  async pendingProjects(month: string, last: string): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(
      `SELECT rp.id FROM retrofit_projects rp WHERE rp.phase = 'in_operation'
          AND EXISTS (SELECT 1 FROM project_agreements pa WHERE pa.project_id = rp.id)
          AND NOT EXISTS (SELECT 1 FROM cost_statements s WHERE s.unit_id = rp.unit_id AND s.month = :month)
          AND (rp.phase_dates->>'in_operation')::date <= CAST(:last AS date)
        ORDER BY rp.id`,
      { month, last },
    );
    return rows.map((r) => r.id);
  }

  /** The agreement's payment terms (payee, due day of the following month). */
  paymentTerms(agreementId: string): Promise<{ payee: string | null; payment_due_day: number } | undefined> {
    return this.sql.one(`SELECT payee, payment_due_day FROM project_agreements WHERE id = :agreementId`, {
      agreementId,
    });
  }
}
