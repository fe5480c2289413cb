import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Claim evidence names *the* incident's alarm. When the claim handler (or an admin) decides the
 * incident was another alarm, the evidence is frozen again as a new version — the earlier one kept,
 * append-only, with who chose and why — and the claim points at the latest.
 */
export class EvidenceVersions1765600000000 implements MigrationInterface {
  name = 'EvidenceVersions1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claim_evidence ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE claim_evidence ADD COLUMN chosen_by text`);
    await q.query(`ALTER TABLE claim_evidence ADD COLUMN reason text CHECK (length(reason) <= 1000)`);
    await q.query(`ALTER TABLE claim_evidence DROP CONSTRAINT claim_evidence_pkey`);
    await q.query(`ALTER TABLE claim_evidence ADD PRIMARY KEY (claim_id, version)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // later versions are evidence too; going back keeps the first of each claim only
    await q.query(`ALTER TABLE claim_evidence DISABLE TRIGGER claim_evidence_append_only`);
    await q.query(`DELETE FROM claim_evidence WHERE version > 1`);
    await q.query(`ALTER TABLE claim_evidence ENABLE TRIGGER claim_evidence_append_only`);
    await q.query(`ALTER TABLE claim_evidence DROP CONSTRAINT claim_evidence_pkey`);
    await q.query(`ALTER TABLE claim_evidence ADD PRIMARY KEY (claim_id)`);
    await q.query(`ALTER TABLE claim_evidence DROP COLUMN reason`);
    await q.query(`ALTER TABLE claim_evidence DROP COLUMN chosen_by`);
    await q.query(`ALTER TABLE claim_evidence DROP COLUMN version`);
  }
}
