import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A claimed job run holds a lease instead of a claim for ever: a process that dies mid-run lets
 * the lease run out and the next tick of any replica takes the run over (the jobs are idempotent:
 * statements skip issued projects, reminders are unique per due date).
 */
export class JobLeases1764800000000 implements MigrationInterface {
  name = 'JobLeases1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_runs ADD COLUMN lease_until timestamptz`);
    await q.query(`ALTER TABLE job_runs ADD COLUMN attempts integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE job_runs ADD COLUMN claimed_by text`);
    await q.query(`ALTER TABLE job_runs ADD COLUMN last_error text`);
    // Runs claimed before leases existed and never finished were lost: let them be taken again.
    await q.query(`UPDATE job_runs SET lease_until = started_at WHERE finished_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_runs DROP COLUMN last_error`);
    await q.query(`ALTER TABLE job_runs DROP COLUMN claimed_by`);
    await q.query(`ALTER TABLE job_runs DROP COLUMN attempts`);
    await q.query(`ALTER TABLE job_runs DROP COLUMN lease_until`);
  }
}
