import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { makeAppendOnly } from './append-only';

const APPEND_ONLY = [
  'project_agreements',
  'cost_entries',
  'cost_statements',
  'cost_statement_lines',
  'cost_statement_allocations',
];

/**
 * The owners' retrofit project (phases, consent vote, agreement with split schemes and operating
 * model, construction funding) and the monthly running-cost statements, which are immutable once
 * issued: corrections arrive as adjustment lines in a later month.
 */
export class Costs1764600000000 implements MigrationInterface {
  name = 'Costs1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retrofit_projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL UNIQUE REFERENCES units (id),
        name text NOT NULL,
        phase text NOT NULL DEFAULT 'preparation' CHECK (phase IN ('preparation', 'consent_vote', 'agreement_published',
          'joint_review', 'construction', 'acceptance', 'in_operation')),
        phase_dates jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE project_flats (
        project_id uuid NOT NULL REFERENCES retrofit_projects (id),
        flat_id uuid NOT NULL REFERENCES flats (id),
        PRIMARY KEY (project_id, flat_id)
      )`);
    await q.query(`
      CREATE TABLE vote_ballots (
        project_id uuid NOT NULL REFERENCES retrofit_projects (id),
        flat_id uuid NOT NULL REFERENCES flats (id),
        answer text NOT NULL CHECK (answer IN ('agree', 'disagree', 'abstain')),
        area_m2 numeric(10, 2) NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by text NOT NULL,
        PRIMARY KEY (project_id, flat_id)
      )`);
    await q.query(`
      CREATE TABLE project_agreements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES retrofit_projects (id),
        version integer NOT NULL,
        signed_on date NOT NULL,
        construction_budget_fen bigint NOT NULL CHECK (construction_budget_fen >= 0),
        subsidy_fen bigint NOT NULL DEFAULT 0 CHECK (subsidy_fen >= 0),
        construction_scheme jsonb NOT NULL,
        running_scheme jsonb NOT NULL,
        operating_model text NOT NULL CHECK (operating_model IN ('owner_run', 'leased', 'shared')),
        lease_monthly_fee_fen bigint CHECK (lease_monthly_fee_fen >= 0),
        ride_price_fen integer CHECK (ride_price_fen >= 0),
        tariff jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        UNIQUE (project_id, version)
      )`);
    await q.query(`
      CREATE TABLE funding_requests (
        project_id uuid NOT NULL REFERENCES retrofit_projects (id),
        owner_id uuid NOT NULL REFERENCES owners (id),
        provident_fund_request_fen bigint NOT NULL DEFAULT 0 CHECK (provident_fund_request_fen >= 0),
        maintenance_fund_fen bigint NOT NULL DEFAULT 0 CHECK (maintenance_fund_fen >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, owner_id)
      )`);
    await q.query(`
      CREATE TABLE cost_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units (id),
        elevator_id uuid REFERENCES elevators (id),
        occurred_on date NOT NULL,
        category text NOT NULL CHECK (category IN ('repair', 'parts', 'other')),
        amount_fen bigint NOT NULL,
        description text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX cost_entries_unit_idx ON cost_entries (unit_id, occurred_on)`);
    await q.query(`
      CREATE TABLE cost_statements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES retrofit_projects (id),
        unit_id uuid NOT NULL REFERENCES units (id),
        month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        agreement_id uuid NOT NULL REFERENCES project_agreements (id),
        running_scheme jsonb NOT NULL,
        operating_model text NOT NULL,
        total_fen bigint NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT now(),
        issued_by text NOT NULL,
        UNIQUE (unit_id, month)
      )`);
    await q.query(`
      CREATE TABLE cost_statement_lines (
        id bigserial PRIMARY KEY,
        statement_id uuid NOT NULL REFERENCES cost_statements (id),
        line_key text NOT NULL,
        category text NOT NULL,
        elevator_id uuid REFERENCES elevators (id),
        description text NOT NULL,
        amount_fen bigint NOT NULL,
        adjusts_month text,
        data jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX cost_statement_lines_statement_idx ON cost_statement_lines (statement_id)`);
    await q.query(`
      CREATE TABLE cost_statement_allocations (
        id bigserial PRIMARY KEY,
        statement_id uuid NOT NULL REFERENCES cost_statements (id),
        flat_id uuid NOT NULL REFERENCES flats (id),
        flat_fen bigint NOT NULL,
        owner_id uuid NOT NULL REFERENCES owners (id),
        owner_fen bigint NOT NULL,
        days integer NOT NULL,
        share_percent numeric(5, 2) NOT NULL,
        period_from date NOT NULL,
        period_to date NOT NULL
      )`);
    await q.query(
      `CREATE INDEX cost_statement_allocations_owner_idx ON cost_statement_allocations (owner_id)`,
    );
    await q.query(
      `CREATE INDEX cost_statement_allocations_statement_idx ON cost_statement_allocations (statement_id)`,
    );
    await makeAppendOnly(q, ...APPEND_ONLY);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'cost_statement_allocations',
      'cost_statement_lines',
      'cost_statements',
      'cost_entries',
      'funding_requests',
      'project_agreements',
      'vote_ballots',
      'project_flats',
      'retrofit_projects',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
