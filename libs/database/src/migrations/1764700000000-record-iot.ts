import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The IoT verification of a maintenance visit is computed from raw telemetry while that exists;
 * raw samples are dropped after TELEMETRY_RETENTION_DAYS (400) but records are kept at least four
 * years. Once no late data can arrive for a visit (its end is older than TELEMETRY_MAX_AGE_DAYS),
 * `freeze_record_iot` writes the counts down for good.
 */
export class RecordIot1764700000000 implements MigrationInterface {
  name = 'RecordIot1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE maintenance_record_iot (
        record_id uuid PRIMARY KEY REFERENCES maintenance_records (id),
        inspection_samples integer NOT NULL,
        samples integer NOT NULL,
        frozen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE TRIGGER maintenance_record_iot_append_only BEFORE UPDATE OR DELETE ON maintenance_record_iot
                   FOR EACH ROW EXECUTE FUNCTION forbid_mutation()`);
    await q.query(`
      CREATE FUNCTION freeze_record_iot(settled_before timestamptz) RETURNS integer
      LANGUAGE sql AS $$
        WITH frozen AS (
          INSERT INTO maintenance_record_iot (record_id, inspection_samples, samples)
          SELECT r.id,
                 (SELECT count(*) FROM telemetry_status t WHERE t.elevator_id = r.elevator_id AND t.mode = 2
                     AND t.ts >= r.arrived_at AND t.ts <= r.departed_at),
                 (SELECT count(*) FROM telemetry_status t WHERE t.elevator_id = r.elevator_id
                     AND t.ts >= r.arrived_at AND t.ts <= r.departed_at)
            FROM maintenance_records r
           WHERE r.departed_at < settled_before
             AND NOT EXISTS (SELECT 1 FROM maintenance_record_iot f WHERE f.record_id = r.id)
          ON CONFLICT DO NOTHING
          RETURNING 1)
        SELECT count(*)::int FROM frozen
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION freeze_record_iot(timestamptz)`);
    await q.query(`DROP TABLE maintenance_record_iot`);
  }
}
