import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type Principal } from '@liftwatch/access';
import { Clock } from '@liftwatch/calendar';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { type IdFilter, regionScopePrefix, scopeSql, VisibilityRepository } from '@liftwatch/registry';
import { isOnDemandRequirements, type OnDemandRequirements } from './contracts/on-demand-conditions';
import {
  type InspectionPolicySchedule,
  type InspectionReport,
  type InspectionStatus,
  inspectionStatus,
} from './inspections/inspection-schedule';
import { isLevelIntervals, type Level, type LevelIntervals } from './plan/levels';
import { type Visit } from './plan/maintenance-plan';

export const STANDARD_POLICY = 'tsg-t5002';

export interface IntervalPolicy {
  code: string;
  name: string;
  kind: 'standard' | 'on_demand';
  regionCode: string | null;
  levels: LevelIntervals;
  conditions: OnDemandRequirements | null;
  notes: string | null;
}

export interface InspectionPolicy {
  code: string;
  name: string;
  regionCode: string | null;
  schedule: InspectionPolicySchedule;
  notes: string | null;
}

/** An elevator with what the maintenance rules need to know about it. */
export interface ElevatorRow {
  id: string;
  registration_code: string;
  commissioned_on: string | null;
  unit_id: string;
  unit_name: string;
  building_name: string;
  community: string;
  address: string;
  region_code: string;
}

export interface ActiveContractRow {
  elevator_id: string;
  contract_id: string;
  contract_number: string;
  firm_id: string;
  firm_name: string;
  policy_code: string;
  starts_on: string;
  ends_on: string;
  on_demand_suspended_on: string | null;
}

type Db = DataSource | EntityManager;

/**
 * The queries the maintenance, inspection and oversight services share, written for batches of
 * elevators (a regulator's region may hold thousands).
 */
@Injectable()
export class MaintenanceRepository {
  constructor(
    @InjectDataSource() readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    readonly visibility: VisibilityRepository,
  ) {}

  get timeZone(): string {
    return this.config.businessTimeZone;
  }

  /** Runs SQL written with `:named` parameters. */
  async query<T>(sql: string, params: Record<string, unknown> = {}, db: Db = this.ds): Promise<T[]> {
    const [text, values] = this.ds.driver.escapeQueryWithParameters(sql, params, {});
    return await db.query<T[]>(text, values);
  }

  /** Elevators under a contract in force on `day`, among those the filter lets through. */
  async underContractOn(day: string, visible: IdFilter | null): Promise<string[]> {
    const scope = scopeSql('ce.elevator_id', visible);
    const rows = await this.query<{ elevator_id: string }>(
      `SELECT DISTINCT ce.elevator_id FROM maintenance_contract_elevators ce
         JOIN maintenance_contracts c ON c.id = ce.contract_id
        WHERE c.starts_on <= :day AND c.ends_on >= :day AND (c.terminated_on IS NULL OR c.terminated_on > :day)
        ${scope.sql}`,
      { day, ...scope.params },
    );
    return rows.map((r) => r.elevator_id);
  }

  /** `AND <column> IN (visible ids)` for a visibility filter, with its parameters. */
  scope(column: string, filter: IdFilter | null | 'none'): { sql: string; params: Record<string, unknown> } {
    return scopeSql(column, filter);
  }

  async intervalPolicies(): Promise<IntervalPolicy[]> {
    const rows = await this.query<{
      code: string;
      name: string;
      kind: 'standard' | 'on_demand';
      region_code: string | null;
      levels: unknown;
      conditions: unknown;
      notes: string | null;
    }>(
      `SELECT code, name, kind, region_code, levels, conditions, notes FROM maintenance_interval_policies ORDER BY code`,
    );
    return rows.map((r) => {
      if (!isLevelIntervals(r.levels)) throw new Error(`interval policy ${r.code} has malformed levels`);
      return {
        code: r.code,
        name: r.name,
        kind: r.kind,
        regionCode: r.region_code,
        levels: r.levels,
        conditions: isOnDemandRequirements(r.conditions) ? r.conditions : null,
        notes: r.notes,
      };
    });
  }

  async intervalPolicy(code: string): Promise<IntervalPolicy | null> {
    return (await this.intervalPolicies()).find((p) => p.code === code) ?? null;
  }

  async inspectionPolicies(): Promise<InspectionPolicy[]> {
    const rows = await this.query<{
      code: string;
      name: string;
      region_code: string | null;
      schedule: InspectionPolicySchedule;
      notes: string | null;
    }>(`SELECT code, name, region_code, schedule, notes FROM inspection_policies ORDER BY code`);
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      regionCode: r.region_code,
      schedule: r.schedule,
      notes: r.notes,
    }));
  }

  /** The most specific policy whose region contains the elevator's; the national one otherwise. */
  static policyFor<T extends { regionCode: string | null }>(
    policies: readonly T[],
    regionCode: string,
  ): T | null {
    let best: T | null = null;
    let bestLength = -1;
    for (const p of policies) {
      const prefix = p.regionCode ? regionScopePrefix(p.regionCode) : '';
      if (regionCode.startsWith(prefix) && prefix.length > bestLength) {
        best = p;
        bestLength = prefix.length;
      }
    }
    return best;
  }

  async elevators(ids: readonly string[], db: Db = this.ds): Promise<ElevatorRow[]> {
    if (ids.length === 0) return [];
    return this.query<ElevatorRow>(
      `SELECT e.id, e.registration_code, to_char(e.commissioned_on, 'YYYY-MM-DD') AS commissioned_on,
              u.id AS unit_id, u.name AS unit_name, b.name AS building_name, b.community, b.address, b.region_code
         FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
        WHERE e.id IN (:...ids)
        ORDER BY e.registration_code`,
      { ids },
      db,
    );
  }

  /** Elevators in service in a region (GB/T 2260 prefix) and below, or everywhere. */
  async elevatorIdsInRegion(regionCode: string, everywhere = false): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `SELECT e.id FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
        WHERE b.region_code LIKE :prefix AND e.status <> 'decommissioned'`,
      { prefix: everywhere ? '%' : `${regionScopePrefix(regionCode)}%` },
    );
    return rows.map((r) => r.id);
  }

  /** The contract covering each elevator on `day` (at most one, enforced when contracts are made). */
  async activeContracts(
    ids: readonly string[],
    day: string,
    db: Db = this.ds,
  ): Promise<Map<string, ActiveContractRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.query<ActiveContractRow>(
      `SELECT ce.elevator_id, c.id AS contract_id, c.contract_number, c.firm_id, o.name AS firm_name, c.policy_code,
              to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on,
              to_char(c.on_demand_suspended_on, 'YYYY-MM-DD') AS on_demand_suspended_on
         FROM maintenance_contract_elevators ce
         JOIN maintenance_contracts c ON c.id = ce.contract_id
         JOIN organisations o ON o.id = c.firm_id
        WHERE ce.elevator_id IN (:...ids) AND c.starts_on <= :day AND c.ends_on >= :day
          AND (c.terminated_on IS NULL OR c.terminated_on > :day)
        ORDER BY c.starts_on`,
      { ids, day },
      db,
    );
    return new Map(rows.map((r) => [r.elevator_id, r]));
  }

  /**
   * Routine visits per elevator: the latest business date per level. A record that a correction
   * replaced counts as its correction says.
   */
  async visits(ids: readonly string[]): Promise<Map<string, Visit[]>> {
    const out = new Map<string, Visit[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await this.query<{ elevator_id: string; level: Level; date: string }>(
      `SELECT r.elevator_id, r.level, to_char(max((r.arrived_at AT TIME ZONE :tz)::date), 'YYYY-MM-DD') AS date
         FROM maintenance_records r
        WHERE r.elevator_id IN (:...ids) AND r.level IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM maintenance_records c WHERE c.corrects_id = r.id)
        GROUP BY r.elevator_id, r.level`,
      { ids, tz: this.timeZone },
    );
    for (const r of rows) out.get(r.elevator_id)?.push({ level: r.level, date: r.date });
    return out;
  }

  /** Reports per elevator; with `until`, only those inspected on or before that day (status as it was then). */
  async inspectionReports(
    ids: readonly string[],
    db: Db = this.ds,
    until: string | null = null,
  ): Promise<Map<string, InspectionReport[]>> {
    const out = new Map<string, InspectionReport[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await this.query<InspectionReport & { elevatorId: string }>(
      `SELECT r.elevator_id AS "elevatorId", r.id, r.kind, to_char(r.inspected_on, 'YYYY-MM-DD') AS "inspectedOn",
              r.result, r.next_due_month AS "nextDueMonth"
         FROM inspection_records r
        WHERE r.elevator_id IN (:...ids) AND (CAST(:until AS date) IS NULL OR r.inspected_on <= CAST(:until AS date))
          AND NOT EXISTS (SELECT 1 FROM inspection_records s WHERE s.supersedes_id = r.id)
        ORDER BY r.inspected_on`,
      { ids, until },
      db,
    );
    for (const { elevatorId, ...r } of rows) out.get(elevatorId)?.push(r);
    return out;
  }

  /** Inspection status of each elevator under its region's policy, as of `today`. */
  async inspectionStatuses(
    elevators: readonly ElevatorRow[],
    today: string = this.clock.today(),
    db: Db = this.ds,
    reportsUntil: string | null = null,
    horizonYears = 3,
  ): Promise<Map<string, InspectionStatus & { policyCode: string | null }>> {
    const policies = await this.inspectionPolicies();
    const reports = await this.inspectionReports(
      elevators.map((e) => e.id),
      db,
      reportsUntil,
    );
    const out = new Map<string, InspectionStatus & { policyCode: string | null }>();
    for (const e of elevators) {
      const policy = MaintenanceRepository.policyFor(policies, e.region_code);
      const base = e.commissioned_on ? e.commissioned_on.slice(0, 7) : null;
      const status = policy
        ? inspectionStatus(policy.schedule, base, reports.get(e.id) ?? [], today.slice(0, 7), horizonYears)
        : { baseMonth: base, state: 'unknown' as const, next: null, lastPassing: null, schedule: [] };
      out.set(e.id, { ...status, policyCode: policy?.code ?? null });
    }
    return out;
  }

  /** Elevators with an active insurance cover on `day`. */
  async insured(ids: readonly string[], day: string, db: Db = this.ds): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.query<{ elevator_id: string }>(
      `SELECT DISTINCT elevator_id FROM elevator_coverage
        WHERE kind = 'insurance' AND elevator_id IN (:...ids)
          AND valid_from <= :day AND (valid_to IS NULL OR valid_to > :day)`,
      { ids, day },
      db,
    );
    return new Set(rows.map((r) => r.elevator_id));
  }

  /** When each elevator's IoT device last reported anything. */
  async lastTelemetry(ids: readonly string[], db: Db = this.ds): Promise<Map<string, Date>> {
    if (ids.length === 0) return new Map();
    const rows = await this.query<{ elevator_id: string; last_seen_at: Date }>(
      `SELECT elevator_id, last_seen_at FROM elevator_live_state
        WHERE elevator_id IN (:...ids) AND last_seen_at IS NOT NULL`,
      { ids },
      db,
    );
    return new Map(rows.map((r) => [r.elevator_id, r.last_seen_at]));
  }

  canSeeElevator(p: Principal, id: string): Promise<boolean> {
    return this.visibility.canSeeElevator(p, id);
  }

  today(): string {
    return this.clock.today();
  }

  now(): Date {
    return this.clock.now();
  }
}
