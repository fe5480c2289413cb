import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The technician's phone: photos taken at a visit (stored by content hash, listed in the record
 * and so covered by its chain hash) and the phone's own reference for a record, so a submit
 * retried over a weak connection stores the record once.
 */
export class VisitPhotos1765200000000 implements MigrationInterface {
  name = 'VisitPhotos1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE maintenance_photos (
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        uploaded_by text NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (elevator_id, sha256)
      )`);
    await q.query(`ALTER TABLE maintenance_records ADD COLUMN photos text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE maintenance_records ADD COLUMN client_ref uuid`);
    await q.query(
      `CREATE UNIQUE INDEX maintenance_records_client_ref_idx ON maintenance_records (elevator_id, client_ref)
         WHERE client_ref IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX maintenance_records_client_ref_idx`);
    await q.query(`ALTER TABLE maintenance_records DROP COLUMN client_ref`);
    await q.query(`ALTER TABLE maintenance_records DROP COLUMN photos`);
    await q.query(`DROP TABLE maintenance_photos`);
  }
}
