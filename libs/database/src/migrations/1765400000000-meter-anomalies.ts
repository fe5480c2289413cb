import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Energy that holds up on a bill.
 *
 * - `elevators.rated_power_kw`: the drive's rated power; what the elevator can draw bounds what a
 *   meter step may plausibly show (without it the platform assumes 15 kW).
 * - `meter_anomalies`: what the rollup found in the meter readings besides normal steps — a spike
 *   (an increase the rated power could not draw) is `open` and counts nothing until a person
 *   accepts it with a reason or enters the reading it should have been (`counted_mkwh`); resets,
 *   rollovers, replacements and one-off outliers are `noted` (handled by the rule, listed so the
 *   agent and the firm see them). Rows are evidence: a resolution is recorded on the row once,
 *   audited, and never undone.
 */
export class MeterAnomalies1765400000000 implements MigrationInterface {
  name = 'MeterAnomalies1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE elevators ADD COLUMN rated_power_kw numeric(5, 2)
      CHECK (rated_power_kw > 0 AND rated_power_kw <= 200)`);
    await q.query(`
      CREATE TABLE meter_anomalies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        meter_id text NOT NULL,
        reading_ts timestamptz NOT NULL,
        reading_seq bigint NOT NULL,
        kwh numeric(14, 3) NOT NULL,
        prev_ts timestamptz,
        prev_kwh numeric(14, 3),
        max_plausible_kwh numeric(14, 3) NOT NULL,
        kind text NOT NULL CHECK (kind IN ('spike', 'reset', 'rollover', 'replacement', 'outlier')),
        status text NOT NULL CHECK (status IN ('open', 'accepted', 'corrected', 'noted', 'withdrawn')),
        counted_kwh numeric(14, 3),
        corrected_reading_kwh numeric(14, 3),
        reason text CHECK (length(reason) <= 1000),
        resolved_by uuid,
        resolved_by_name text,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (elevator_id, reading_ts, reading_seq)
      )`);
    await q.query(`CREATE INDEX meter_anomalies_open_idx ON meter_anomalies (elevator_id, reading_ts)
      WHERE status = 'open'`);
    await q.query(
      `CREATE INDEX meter_anomalies_elevator_idx ON meter_anomalies (elevator_id, reading_ts DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE meter_anomalies`);
    await q.query(`ALTER TABLE elevators DROP COLUMN rated_power_kw`);
  }
}
