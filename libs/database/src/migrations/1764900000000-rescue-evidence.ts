import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { makeAppendOnly } from './append-only';

/**
 * Rescue timing as evidence (TSG T5002 art. 5: rescuers on site within 30 min in cities, 1 h
 * elsewhere, counted from the report).
 *
 * - `notified_ts`: the device-time moment the platform counts as "reported" — the entrapment
 *   condition had held for the detection threshold, or the controller reported code 11. The rescue
 *   deadline counts from it, not from when the server happened to open the alarm (a buffer replayed
 *   days later keeps its own clock).
 * - `alarm_arrivals`: every piece of evidence that rescuers arrived — a technician's check-in at the
 *   car, the elevator's own data (inspection mode switched on, the door opened at a stopped car
 *   after the release), a back-dated entry with its reason, or the status change to on-site.
 *   Append-only. `alarms.arrived_at`/`arrival_source` hold the arrival that counts (see
 *   AlarmRepository.settleArrival).
 */
export class RescueEvidence1764900000000 implements MigrationInterface {
  name = 'RescueEvidence1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alarms ADD COLUMN notified_ts timestamptz`);
    await q.query(`ALTER TABLE alarms ADD COLUMN arrived_at timestamptz`);
    await q.query(
      `ALTER TABLE alarms ADD COLUMN arrival_source text
         CHECK (arrival_source IN ('check_in', 'device', 'manual', 'status'))`,
    );
    // Alarms opened before: the rule raised entrapments 30 s (the default threshold) into the
    // condition; devices report at its start.
    await q.query(`
      UPDATE alarms SET notified_ts = CASE WHEN source = 'rule' THEN first_seen_ts + interval '30 seconds'
                                           ELSE first_seen_ts END
       WHERE rescue_deadline IS NOT NULL`);
    await q.query(`
      CREATE TABLE alarm_arrivals (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alarm_id uuid NOT NULL REFERENCES alarms (id),
        at timestamptz NOT NULL,
        source text NOT NULL CHECK (source IN ('check_in', 'device', 'manual', 'status')),
        kind text NOT NULL,
        recorded_by uuid,
        recorded_by_name text NOT NULL,
        reason text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alarm_arrivals_alarm_idx ON alarm_arrivals (alarm_id, at)`);
    await q.query(
      `CREATE UNIQUE INDEX alarm_arrivals_device_once ON alarm_arrivals (alarm_id, kind) WHERE source = 'device'`,
    );
    await makeAppendOnly(q, 'alarm_arrivals');
    await q.query(`CREATE INDEX alarms_rescue_idx ON alarms (notified_ts) WHERE type = 'entrapment'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alarms_rescue_idx`);
    await q.query(`DROP TABLE alarm_arrivals`);
    await q.query(`ALTER TABLE alarms DROP COLUMN arrival_source`);
    await q.query(`ALTER TABLE alarms DROP COLUMN arrived_at`);
    await q.query(`ALTER TABLE alarms DROP COLUMN notified_ts`);
  }
}
