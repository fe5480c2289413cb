import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { makeAppendOnly } from './append-only';
import { TRACTION_CHECKLIST } from './data/tsg-t5002-traction-checklist';

const LEVEL_CHECK = `CHECK (level IN ('half_month', 'quarterly', 'half_year', 'annual'))`;

/**
 * Maintenance contracts (which replace explicit maintenance assignments), interval policies,
 * checklists, hash-chained maintenance records with countersignatures, inspections with their
 * per-region policies, warranties, notifications and the run log of daily jobs.
 *
 * `elevator_coverage` is the one place that says which organisation covers which elevator when:
 * maintenance from contracts, insurance (until policies exist) from explicit assignments.
 */
export class Maintenance1764400000000 implements MigrationInterface {
  name = 'Maintenance1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE maintenance_interval_policies (
        code text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{2,60}$'),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('standard', 'on_demand')),
        region_code text CHECK (region_code ~ '^[0-9]{6}$'),
        levels jsonb NOT NULL,
        conditions jsonb,
        notes text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    const policies: Array<[string, string, string, string | null, object, object | null, string]> = [
      [
        'tsg-t5002',
        'TSG T5002-2017 常规维保',
        'standard',
        null,
        {
          half_month: { unit: 'day', count: 15 },
          quarterly: { unit: 'month', count: 3 },
          half_year: { unit: 'month', count: 6 },
          annual: { unit: 'month', count: 12 },
        },
        null,
        'Half-month items at least every 15 days; quarterly, half-year and annual items every 3, 6 and 12 months.',
      ],
      [
        'shenzhen-on-demand',
        '深圳按需维保（物联网监测）',
        'on_demand',
        '440300',
        {
          half_month: { unit: 'month', count: 1 },
          quarterly: { unit: 'month', count: 3 },
          half_year: { unit: 'month', count: 6 },
          annual: { unit: 'month', count: 12 },
        },
        { iotMaxSilenceHours: 72, minCreditRating: 'B' },
        'Pilot: with IoT monitoring, half-month items may stretch to one month; other levels keep their period.',
      ],
      [
        'shenzhen-on-demand-city-link',
        '深圳按需维保（与市平台数据交换）',
        'on_demand',
        '440300',
        {
          half_month: { unit: 'month', count: 3 },
          quarterly: { unit: 'month', count: 3 },
          half_year: { unit: 'month', count: 6 },
          annual: { unit: 'month', count: 12 },
        },
        { iotMaxSilenceHours: 72, minCreditRating: 'B' },
        'Pilot: exchanging data with the city platform, half-month items may stretch to three months.',
      ],
    ];
    for (const [code, name, kind, region, levels, conditions, notes] of policies) {
      await q.query(
        `INSERT INTO maintenance_interval_policies (code, name, kind, region_code, levels, conditions, notes)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)`,
        [code, name, kind, region, JSON.stringify(levels), conditions && JSON.stringify(conditions), notes],
      );
    }

    await q.query(`
      CREATE TABLE maintenance_contracts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_number text NOT NULL UNIQUE,
        unit_id uuid NOT NULL REFERENCES units (id),
        firm_id uuid NOT NULL REFERENCES organisations (id),
        owners_representative text NOT NULL,
        signed_on date NOT NULL,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        annual_fee_fen bigint NOT NULL CHECK (annual_fee_fen >= 0),
        includes_parts boolean NOT NULL DEFAULT false,
        includes_callouts boolean NOT NULL DEFAULT true,
        policy_code text NOT NULL REFERENCES maintenance_interval_policies (code),
        terminated_on date,
        termination_reason text,
        on_demand_suspended_on date,
        on_demand_suspension_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        CHECK (ends_on >= starts_on),
        CHECK (terminated_on IS NULL OR terminated_on >= starts_on)
      )`);
    await q.query(`CREATE INDEX maintenance_contracts_firm_idx ON maintenance_contracts (firm_id)`);
    await q.query(`CREATE INDEX maintenance_contracts_unit_idx ON maintenance_contracts (unit_id)`);
    await q.query(`
      CREATE TABLE maintenance_contract_elevators (
        contract_id uuid NOT NULL REFERENCES maintenance_contracts (id),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        PRIMARY KEY (contract_id, elevator_id)
      )`);
    await q.query(
      `CREATE INDEX maintenance_contract_elevators_elevator_idx ON maintenance_contract_elevators (elevator_id)`,
    );
    await q.query(`
      CREATE TABLE contract_condition_checks (
        id bigserial PRIMARY KEY,
        contract_id uuid NOT NULL REFERENCES maintenance_contracts (id),
        checked_on date NOT NULL,
        passed boolean NOT NULL,
        conditions jsonb NOT NULL,
        checked_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (contract_id, checked_on)
      )`);

    // Who covers which elevator on which days (valid_to exclusive).
    await q.query(`
      CREATE VIEW elevator_coverage AS
        SELECT ce.elevator_id, c.firm_id AS organisation_id, 'maintenance'::text AS kind,
               c.starts_on AS valid_from,
               LEAST(c.ends_on + 1, c.terminated_on) AS valid_to,
               c.id AS source_id
          FROM maintenance_contracts c
          JOIN maintenance_contract_elevators ce ON ce.contract_id = c.id
        UNION ALL
        SELECT a.elevator_id, a.organisation_id, a.kind, a.valid_from, a.valid_to, a.id
          FROM elevator_assignments a
         WHERE a.kind = 'insurance'`);

    await q.query(`
      CREATE TABLE maintenance_checklist_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        elevator_type text NOT NULL DEFAULT 'traction',
        level text NOT NULL ${LEVEL_CHECK},
        code text NOT NULL CHECK (code ~ '^[A-Za-z0-9-]{1,20}$'),
        title_zh text NOT NULL,
        title_en text NOT NULL,
        requirement text NOT NULL,
        position integer NOT NULL,
        active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (elevator_type, code)
      )`);
    let position = 0;
    for (const [level, zh, en, requirement] of TRACTION_CHECKLIST) {
      position += 1;
      await q.query(
        `INSERT INTO maintenance_checklist_items (level, code, title_zh, title_en, requirement, position)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [level, `A${String(position).padStart(2, '0')}`, zh, en, requirement, position],
      );
    }

    // Append-only and hash-chained per elevator: hash = sha256(prev_hash + canonical content).
    await q.query(`
      CREATE TABLE maintenance_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        seq integer NOT NULL CHECK (seq >= 1),
        kind text NOT NULL CHECK (kind IN ('routine', 'repair', 'correction')),
        level text ${LEVEL_CHECK},
        corrects_id uuid REFERENCES maintenance_records (id),
        contract_id uuid REFERENCES maintenance_contracts (id),
        firm_id uuid NOT NULL REFERENCES organisations (id),
        arrived_at timestamptz NOT NULL,
        departed_at timestamptz NOT NULL,
        elevator_snapshot jsonb NOT NULL,
        technicians jsonb NOT NULL,
        items jsonb NOT NULL,
        adjustments text,
        parts jsonb NOT NULL DEFAULT '[]',
        remarks text,
        recorded_at timestamptz NOT NULL,
        recorded_by text NOT NULL,
        prev_hash text,
        hash text NOT NULL,
        UNIQUE (elevator_id, seq),
        CHECK (departed_at > arrived_at),
        CHECK ((kind = 'correction') = (corrects_id IS NOT NULL)),
        CHECK (kind <> 'routine' OR level IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX maintenance_records_elevator_time_idx ON maintenance_records (elevator_id, arrived_at DESC)`,
    );
    await q.query(
      `CREATE INDEX maintenance_records_firm_idx ON maintenance_records (firm_id, arrived_at DESC)`,
    );
    await makeAppendOnly(q, 'maintenance_records');
    await q.query(`
      CREATE TABLE maintenance_countersignatures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        record_id uuid NOT NULL UNIQUE REFERENCES maintenance_records (id),
        signer_name text NOT NULL,
        signer_title text NOT NULL,
        comment text,
        signed_at timestamptz NOT NULL,
        signed_by text NOT NULL,
        hash text NOT NULL
      )`);
    await makeAppendOnly(q, 'maintenance_countersignatures');

    await q.query(`
      CREATE TABLE inspection_policies (
        code text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{2,60}$'),
        name text NOT NULL,
        region_code text CHECK (region_code ~ '^[0-9]{6}$'),
        schedule jsonb NOT NULL,
        notes text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `INSERT INTO inspection_policies (code, name, region_code, schedule, notes) VALUES
       ('tsg-t7001-2023', 'TSG T7001-2023 定期检验与自行检测', NULL,
        '{"inspectYears":[1,4,7,9,11,13,15],"annualAfterYear":15}',
        'Years counted from the month the installation inspection passed; self-tests in the years between; every year after 15 years.'),
       ('shanxi-pilot', '山西试点', '140000',
        '{"inspectYears":[3,6,8,10,12,14],"annualAfterYear":15}',
        'Unconfirmed: up to 6 years every 3 years, 6 to 15 years every 2 years, then every year.')`,
    );
    await q.query(`
      CREATE TABLE inspection_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        kind text NOT NULL CHECK (kind IN ('installation', 'periodic', 'self_test')),
        inspected_on date NOT NULL,
        result text NOT NULL CHECK (result IN ('pass', 'pass_after_rectification', 'fail')),
        next_due_month text CHECK (next_due_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        certificate_number text,
        report_number text NOT NULL,
        inspector_organisation text NOT NULL,
        fee_fen bigint CHECK (fee_fen >= 0),
        remarks text,
        supersedes_id uuid REFERENCES inspection_records (id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by text NOT NULL
      )`);
    await q.query(
      `CREATE INDEX inspection_records_elevator_idx ON inspection_records (elevator_id, inspected_on DESC)`,
    );
    await makeAppendOnly(q, 'inspection_records');

    await q.query(`
      CREATE TABLE elevator_warranties (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        kind text NOT NULL CHECK (kind IN ('design', 'construction', 'installation', 'manufacturer')),
        organisation_id uuid NOT NULL REFERENCES organisations (id),
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        terms text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_on >= starts_on),
        UNIQUE (elevator_id, kind, starts_on)
      )`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        elevator_id uuid REFERENCES elevators (id),
        recipient_organisation_id uuid REFERENCES organisations (id),
        recipient_unit_id uuid REFERENCES units (id),
        dedupe_key text NOT NULL,
        title text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((recipient_organisation_id IS NULL) <> (recipient_unit_id IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX notifications_dedupe_idx ON notifications
         (dedupe_key, COALESCE(recipient_organisation_id, recipient_unit_id))`,
    );
    await q.query(
      `CREATE INDEX notifications_org_idx ON notifications (recipient_organisation_id, created_at DESC)`,
    );
    await q.query(
      `CREATE INDEX notifications_unit_idx ON notifications (recipient_unit_id, created_at DESC)`,
    );
    await q.query(`ALTER TABLE webhook_deliveries ALTER COLUMN alarm_id DROP NOT NULL`);
    await q.query(
      `ALTER TABLE webhook_deliveries ADD COLUMN notification_id uuid REFERENCES notifications (id)`,
    );

    // Daily jobs claim (job, key) once, so several api replicas never run the same day twice.
    await q.query(`
      CREATE TABLE job_runs (
        job text NOT NULL,
        run_key text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        result jsonb,
        PRIMARY KEY (job, run_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_runs`);
    await q.query(`DELETE FROM webhook_deliveries WHERE alarm_id IS NULL`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN notification_id`);
    await q.query(`ALTER TABLE webhook_deliveries ALTER COLUMN alarm_id SET NOT NULL`);
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE elevator_warranties`);
    await q.query(`DROP TABLE inspection_records`);
    await q.query(`DROP TABLE inspection_policies`);
    await q.query(`DROP TABLE maintenance_countersignatures`);
    await q.query(`DROP TABLE maintenance_records`);
    await q.query(`DROP TABLE maintenance_checklist_items`);
    await q.query(`DROP VIEW elevator_coverage`);
    await q.query(`DROP TABLE contract_condition_checks`);
    await q.query(`DROP TABLE maintenance_contract_elevators`);
    await q.query(`DROP TABLE maintenance_contracts`);
    await q.query(`DROP TABLE maintenance_interval_policies`);
  }
}
