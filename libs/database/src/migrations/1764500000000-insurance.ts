import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { makeAppendOnly } from './append-only';

const COVERAGE_MAINTENANCE = `
  SELECT ce.elevator_id, c.firm_id AS organisation_id, 'maintenance'::text AS kind,
         c.starts_on AS valid_from, LEAST(c.ends_on + 1, c.terminated_on) AS valid_to, c.id AS source_id
    FROM maintenance_contracts c
    JOIN maintenance_contract_elevators ce ON ce.contract_id = c.id`;

/**
 * Insurance policies (which replace explicit insurance assignments in `elevator_coverage`), claims
 * with an append-only event history, the frozen evidence bundle of each claim, and its documents.
 */
export class Insurance1764500000000 implements MigrationInterface {
  name = 'Insurance1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE insurance_policies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        policy_number text NOT NULL UNIQUE,
        insurer_id uuid NOT NULL REFERENCES organisations (id),
        policyholder_kind text NOT NULL CHECK (policyholder_kind IN ('owners', 'use_unit', 'maintenance_firm')),
        policyholder_unit_id uuid REFERENCES units (id),
        policyholder_organisation_id uuid REFERENCES organisations (id),
        policyholder_name text NOT NULL,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        premium_fen bigint NOT NULL CHECK (premium_fen >= 0),
        cover_types text[] NOT NULL CHECK (cardinality(cover_types) > 0 AND cover_types <@ ARRAY[
          'third_party_liability', 'property', 'maintenance_repair', 'inspection_fees', 'main_components']::text[]),
        limits jsonb NOT NULL DEFAULT '{}',
        deductible_fen bigint NOT NULL DEFAULT 0 CHECK (deductible_fen >= 0),
        entrapment_tiers jsonb NOT NULL DEFAULT '[]',
        cancelled_on date,
        cancellation_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        CHECK (ends_on >= starts_on),
        CHECK (cancelled_on IS NULL OR cancelled_on >= starts_on),
        CHECK (policyholder_kind <> 'owners' OR policyholder_unit_id IS NOT NULL),
        CHECK (policyholder_kind = 'owners' OR policyholder_organisation_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX insurance_policies_insurer_idx ON insurance_policies (insurer_id)`);
    await q.query(`
      CREATE TABLE insurance_policy_elevators (
        policy_id uuid NOT NULL REFERENCES insurance_policies (id),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        PRIMARY KEY (policy_id, elevator_id)
      )`);
    await q.query(
      `CREATE INDEX insurance_policy_elevators_elevator_idx ON insurance_policy_elevators (elevator_id)`,
    );

    await q.query(`DROP VIEW elevator_coverage`);
    await q.query(`
      CREATE VIEW elevator_coverage AS ${COVERAGE_MAINTENANCE}
        UNION ALL
        SELECT pe.elevator_id, p.insurer_id, 'insurance'::text, p.starts_on,
               LEAST(p.ends_on + 1, p.cancelled_on), p.id
          FROM insurance_policies p
          JOIN insurance_policy_elevators pe ON pe.policy_id = p.id`);

    await q.query(`
      CREATE TABLE claims (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        claim_number text NOT NULL UNIQUE,
        policy_id uuid NOT NULL REFERENCES insurance_policies (id),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        claimant_kind text NOT NULL CHECK (claimant_kind IN ('owners', 'maintenance_firm', 'admin')),
        filed_by text NOT NULL,
        incident_at timestamptz NOT NULL,
        incident_type text NOT NULL
          CHECK (incident_type IN ('entrapment', 'injury', 'property_damage', 'equipment_damage', 'other')),
        description text NOT NULL,
        people_affected integer NOT NULL DEFAULT 0 CHECK (people_affected >= 0),
        claimed_amount_fen bigint CHECK (claimed_amount_fen >= 0),
        alarm_ids uuid[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'surveying', 'documents_requested',
          'documents_received', 'liability_decided', 'assessed', 'paid', 'closed', 'rejected')),
        status_changed_at timestamptz NOT NULL DEFAULT now(),
        liability text CHECK (liability IN ('accepted', 'partial', 'denied')),
        assessed_amount_fen bigint CHECK (assessed_amount_fen >= 0),
        paid_amount_fen bigint CHECK (paid_amount_fen >= 0),
        paid_at timestamptz,
        rejection_reason text,
        evidence_hash text NOT NULL,
        suggested_payout jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX claims_policy_idx ON claims (policy_id, created_at DESC)`);
    await q.query(`CREATE INDEX claims_elevator_idx ON claims (elevator_id)`);
    await q.query(`
      CREATE TABLE claim_events (
        id bigserial PRIMARY KEY,
        claim_id uuid NOT NULL REFERENCES claims (id),
        at timestamptz NOT NULL DEFAULT now(),
        from_status text,
        to_status text NOT NULL,
        actor_username text NOT NULL,
        actor_role text NOT NULL,
        note text,
        data jsonb
      )`);
    await q.query(`CREATE INDEX claim_events_claim_idx ON claim_events (claim_id, id)`);
    // The evidence as the insurer first saw it: canonical JSON text and its SHA-256, never changed.
    await q.query(`
      CREATE TABLE claim_evidence (
        claim_id uuid PRIMARY KEY REFERENCES claims (id),
        bundle text NOT NULL,
        hash text NOT NULL,
        frozen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE claim_documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        claim_id uuid NOT NULL REFERENCES claims (id),
        kind text NOT NULL CHECK (kind IN ('photo', 'invoice', 'medical_report', 'incident_report', 'video', 'other')),
        filename text NOT NULL,
        content_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        sha256 text NOT NULL,
        storage_key text NOT NULL,
        uploaded_by text NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX claim_documents_claim_idx ON claim_documents (claim_id, uploaded_at)`);
    await makeAppendOnly(q, 'claim_events', 'claim_evidence', 'claim_documents');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE claim_documents`);
    await q.query(`DROP TABLE claim_evidence`);
    await q.query(`DROP TABLE claim_events`);
    await q.query(`DROP TABLE claims`);
    await q.query(`DROP VIEW elevator_coverage`);
    await q.query(`
      CREATE VIEW elevator_coverage AS ${COVERAGE_MAINTENANCE}
        UNION ALL
        SELECT a.elevator_id, a.organisation_id, a.kind, a.valid_from, a.valid_to, a.id
          FROM elevator_assignments a
         WHERE a.kind = 'insurance'`);
    await q.query(`DROP TABLE insurance_policy_elevators`);
    await q.query(`DROP TABLE insurance_policies`);
  }
}
