import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '@liftwatch/registry';
import { type OperatingModel, type Phase } from './costs.dto';
import { type SplitScheme } from './rules/split-scheme';
import { type Tariff } from './rules/tariff';

export interface ProjectFlat {
  flatId: string;
  number: string;
  floor: number;
  areaM2: number;
}

export interface ProjectRow {
  id: string;
  unit_id: string;
  name: string;
  phase: Phase;
  phase_dates: Record<string, string>;
}

export interface AgreementRow {
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

export interface NewAgreement {
  signedOn: string;
  constructionBudgetFen: number;
  subsidyFen: number;
  constructionScheme: SplitScheme;
  runningScheme: SplitScheme;
  operatingModel: OperatingModel;
  leaseMonthlyFeeFen: number | null;
  ridePriceFen: number | null;
  tariff: Tariff;
  createdBy: string;
  payee: string | null;
  paymentDueDay: number;
}

export interface Holding {
  flat_id: string;
  owner_id: string;
  share_percent: string;
  owner_name: string;
}

export type BallotAnswer = 'agree' | 'disagree' | 'abstain';

export interface CostEntryRow {
  id: string;
  occurred_on: string;
  category: 'repair' | 'parts' | 'other';
  amount_fen: string;
  description: string;
  elevator_id: string | null;
  registration_code: string | null;
  created_at: Date;
  created_by: string;
}

/** Every query of the retrofit project: the project, its flats, ballots, agreements, funding, costs. */
@Injectable()
export class ProjectRepository extends SqlRepository {
  /** Ids of the projects a visibility filter lets through, newest first. */
  async visibleIds(units: IdFilter | null | 'none', limit: number): Promise<string[]> {
    const scope = scopeSql('rp.unit_id', units);
    const rows = await this.sql.query<{ id: string }>(
      `SELECT rp.id FROM retrofit_projects rp WHERE true${scope.sql} ORDER BY rp.created_at DESC LIMIT :limit`,
      { ...scope.params, limit },
    );
    return rows.map((r) => r.id);
  }

  /** The project if the visibility filter lets it through. */
  findVisible(id: string, units: IdFilter | null | 'none'): Promise<ProjectRow | undefined> {
    const scope = scopeSql('rp.unit_id', units);
    return this.sql.one<ProjectRow>(
      `SELECT rp.id, rp.unit_id, rp.name, rp.phase, rp.phase_dates FROM retrofit_projects rp WHERE rp.id = :id${scope.sql}`,
      { id, ...scope.params },
    );
  }

  get(id: string): Promise<ProjectRow | undefined> {
    return this.sql.one<ProjectRow>(
      `SELECT id, unit_id, name, phase, phase_dates FROM retrofit_projects WHERE id = :id`,
      { id },
    );
  }

  async unitHasProject(unitId: string): Promise<boolean> {
    return (
      (await this.sql.one(`SELECT 1 FROM retrofit_projects WHERE unit_id = :unitId`, { unitId })) !==
      undefined
    );
  }

  async flatIdsOfUnit(unitId: string): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(`SELECT id FROM flats WHERE unit_id = :unitId`, {
      unitId,
    });
    return rows.map((r) => r.id);
  }

  async unitHasElevator(unitId: string, elevatorId?: string): Promise<boolean> {
    const row = await this.sql.one(
      `SELECT 1 FROM elevators WHERE unit_id = :unitId AND (CAST(:elevatorId AS uuid) IS NULL OR id = CAST(:elevatorId AS uuid))`,
      { unitId, elevatorId: elevatorId ?? null },
    );
    return row !== undefined;
  }

  async insert(tx: Db, unitId: string, name: string, flatIds: string[], by: string): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO retrofit_projects (unit_id, name, phase_dates, created_by) VALUES (:unitId, :name, '{}', :by) RETURNING id`,
      { unitId, name, by },
      tx,
    );
    if (!row) throw new Error('retrofit project not inserted');
    await this.sql.query(
      `INSERT INTO project_flats (project_id, flat_id) SELECT :id, unnest(CAST(:flatIds AS uuid[]))`,
      { id: row.id, flatIds },
      tx,
    );
    return row.id;
  }

  async openPhase(tx: Db, id: string, phase: Phase, on: string): Promise<void> {
    await this.sql.query(
      `UPDATE retrofit_projects SET phase = :phase, phase_dates = phase_dates || jsonb_build_object(CAST(:phase AS text), CAST(:on AS text))
        WHERE id = :id`,
      { id, phase, on },
      tx,
    );
  }

  async flats(projectId: string): Promise<ProjectFlat[]> {
    const rows = await this.sql.query<{ id: string; number: string; floor: number; area_m2: string }>(
      `SELECT f.id, f.number, f.floor, f.area_m2 FROM project_flats pf JOIN flats f ON f.id = pf.flat_id
        WHERE pf.project_id = :projectId ORDER BY f.floor, f.number`,
      { projectId },
    );
    return rows.map((r) => ({ flatId: r.id, number: r.number, floor: r.floor, areaM2: Number(r.area_m2) }));
  }

  /** Flats the owner holds on `day`. */
  async flatsOwnedOn(ownerId: string, day: string): Promise<Set<string>> {
    const rows = await this.sql.query<{ flat_id: string }>(
      `SELECT flat_id FROM flat_ownerships
        WHERE owner_id = :ownerId AND valid_from <= :day AND (valid_to IS NULL OR valid_to > :day)`,
      { ownerId, day },
    );
    return new Set(rows.map((r) => r.flat_id));
  }

  /** Current holdings of the flats on `day`, with the owners' names. */
  holdingsOn(flatIds: string[], day: string): Promise<Holding[]> {
    if (flatIds.length === 0) return Promise.resolve([]);
    return this.sql.query<Holding>(
      `SELECT fo.flat_id, fo.owner_id, fo.share_percent, o.name AS owner_name
         FROM flat_ownerships fo JOIN owners o ON o.id = fo.owner_id
        WHERE fo.flat_id IN (:...flatIds) AND fo.valid_from <= :day AND (fo.valid_to IS NULL OR fo.valid_to > :day)`,
      { flatIds, day },
    );
  }

  async ballots(projectId: string): Promise<Map<string, BallotAnswer>> {
    const rows = await this.sql.query<{ flat_id: string; answer: BallotAnswer }>(
      `SELECT flat_id, answer FROM vote_ballots WHERE project_id = :projectId`,
      { projectId },
    );
    return new Map(rows.map((b) => [b.flat_id, b.answer]));
  }

  /** Records (or, with `null`, withdraws) one flat's ballot. */
  async setBallot(
    tx: Db,
    projectId: string,
    flatId: string,
    answer: BallotAnswer | null,
    areaM2: number,
    by: string,
    castOn: string,
  ): Promise<void> {
    if (answer === null) {
      await this.sql.query(
        `DELETE FROM vote_ballots WHERE project_id = :projectId AND flat_id = :flatId`,
        {
          projectId,
          flatId,
        },
        tx,
      );
      return;
    }
    await this.sql.query(
      `INSERT INTO vote_ballots (project_id, flat_id, answer, area_m2, recorded_by, cast_on)
       VALUES (:projectId, :flatId, :answer, :areaM2, :by, :castOn)
       ON CONFLICT (project_id, flat_id) DO UPDATE SET answer = excluded.answer, area_m2 = excluded.area_m2,
         recorded_at = now(), recorded_by = excluded.recorded_by, cast_on = excluded.cast_on`,
      { projectId, flatId, answer, areaM2, by, castOn },
      tx,
    );
  }

  /** The agreement in force: the latest version. */
  latestAgreement(projectId: string): Promise<AgreementRow | undefined> {
    return this.sql.one<AgreementRow>(
      `SELECT id, version, to_char(signed_on, 'YYYY-MM-DD') AS signed_on, construction_budget_fen, subsidy_fen,
              construction_scheme, running_scheme, operating_model, lease_monthly_fee_fen, ride_price_fen, tariff
         FROM project_agreements WHERE project_id = :projectId ORDER BY version DESC LIMIT 1`,
      { projectId },
    );
  }

  /** Every version of the agreement, newest first. */
  agreements(projectId: string): Promise<Array<AgreementRow & { created_at: Date; created_by: string }>> {
    return this.sql.query(
      `SELECT id, version, to_char(signed_on, 'YYYY-MM-DD') AS signed_on, construction_budget_fen, subsidy_fen,
              construction_scheme, running_scheme, operating_model, lease_monthly_fee_fen, ride_price_fen, tariff,
              created_at, created_by
         FROM project_agreements WHERE project_id = :projectId ORDER BY version DESC`,
      { projectId },
    );
  }

  /** The ballots as recorded: answer, by whom and when, per flat. */
  ballotRecords(
    projectId: string,
  ): Promise<
    Array<{ flat_id: string; answer: BallotAnswer; recorded_at: Date; recorded_by: string; cast_on: string }>
  > {
    return this.sql.query(
      `SELECT flat_id, answer, recorded_at, recorded_by, to_char(cast_on, 'YYYY-MM-DD') AS cast_on
         FROM vote_ballots WHERE project_id = :projectId`,
      { projectId },
    );
  }

  /** The unit's cost entries, latest first, paged. */
  costEntries(unitId: string, limit: number, offset: number): Promise<[CostEntryRow[], number]> {
    return this.sql.page<CostEntryRow>(
      {
        columns: `c.id, to_char(c.occurred_on, 'YYYY-MM-DD') AS occurred_on, c.category, c.amount_fen, c.description,
                  c.elevator_id, e.registration_code, c.created_at, c.created_by`,
        from: `FROM cost_entries c LEFT JOIN elevators e ON e.id = c.elevator_id WHERE c.unit_id = :unitId`,
        orderBy: 'c.occurred_on DESC, c.created_at DESC',
        params: { unitId },
      },
      limit,
      offset,
    );
  }

  /** Adds the next version of the agreement (the project row locked, so versions never collide). */
  async insertAgreement(tx: Db, projectId: string, a: NewAgreement): Promise<number> {
    await this.sql.query(
      `SELECT 1 FROM retrofit_projects WHERE id = :projectId FOR UPDATE`,
      { projectId },
      tx,
    );
    const row = await this.sql.one<{ version: number }>(
      `INSERT INTO project_agreements (project_id, version, signed_on, construction_budget_fen, subsidy_fen,
         construction_scheme, running_scheme, operating_model, lease_monthly_fee_fen, ride_price_fen, tariff, created_by,
         payee, payment_due_day)
       SELECT :projectId, coalesce(max(version), 0) + 1, :signedOn, :constructionBudgetFen, :subsidyFen,
              CAST(:constructionScheme AS jsonb), CAST(:runningScheme AS jsonb), :operatingModel, :leaseMonthlyFeeFen,
              :ridePriceFen, CAST(:tariff AS jsonb), :createdBy, :payee, :paymentDueDay
         FROM project_agreements WHERE project_id = :projectId
       RETURNING version`,
      {
        ...a,
        projectId,
        constructionScheme: JSON.stringify(a.constructionScheme),
        runningScheme: JSON.stringify(a.runningScheme),
        tariff: JSON.stringify(a.tariff),
      },
      tx,
    );
    return Number(row?.version);
  }

  async upsertFunding(
    tx: Db,
    projectId: string,
    ownerId: string,
    providentFundRequestFen: number,
    maintenanceFundFen: number,
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO funding_requests (project_id, owner_id, provident_fund_request_fen, maintenance_fund_fen)
       VALUES (:projectId, :ownerId, :providentFundRequestFen, :maintenanceFundFen)
       ON CONFLICT (project_id, owner_id) DO UPDATE SET provident_fund_request_fen = excluded.provident_fund_request_fen,
         maintenance_fund_fen = excluded.maintenance_fund_fen, updated_at = now()`,
      { projectId, ownerId, providentFundRequestFen, maintenanceFundFen },
      tx,
    );
  }

  /** Provident-fund and maintenance-fund requests per owner. */
  async fundingRequests(projectId: string): Promise<Map<string, { pf: number; mf: number }>> {
    const rows = await this.sql.query<{ owner_id: string; pf: string; mf: string }>(
      `SELECT owner_id, provident_fund_request_fen AS pf, maintenance_fund_fen AS mf FROM funding_requests
        WHERE project_id = :projectId`,
      { projectId },
    );
    return new Map(rows.map((r) => [r.owner_id, { pf: Number(r.pf), mf: Number(r.mf) }]));
  }

  async insertCostEntry(
    tx: Db,
    e: {
      unitId: string;
      elevatorId: string | null;
      occurredOn: string;
      category: string;
      amountFen: number;
      description: string;
      by: string;
    },
  ): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO cost_entries (unit_id, elevator_id, occurred_on, category, amount_fen, description, created_by)
       VALUES (:unitId, :elevatorId, :occurredOn, :category, :amountFen, :description, :by) RETURNING id`,
      e,
      tx,
    );
    if (!row) throw new Error('cost entry not inserted');
    return row.id;
  }
}
