import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Alarms: at most one open alarm per (elevator, type), an append-only timeline per alarm, and the
 * state of rules whose conditions span time (so a restart resumes the same timers).
 */
export class Alarms1764200000000 implements MigrationInterface {
  name = 'Alarms1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alarms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        type text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('critical', 'major', 'minor')),
        status text NOT NULL DEFAULT 'open'
          CHECK (status IN ('open', 'acknowledged', 'dispatched', 'on_site', 'resolved', 'false_alarm')),
        source text NOT NULL CHECK (source IN ('device', 'rule')),
        opened_at timestamptz NOT NULL DEFAULT now(),
        first_seen_ts timestamptz NOT NULL,
        last_seen_ts timestamptz NOT NULL,
        report_count integer NOT NULL DEFAULT 1 CHECK (report_count > 0),
        condition_cleared_ts timestamptz,
        rescue_deadline timestamptz,
        escalation_level smallint NOT NULL DEFAULT 0,
        closed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // "At most one open alarm per (elevator, alarm type)": concurrent reports of one condition
    // meet at this index and become a count (INSERT … ON CONFLICT … DO UPDATE).
    await q.query(`
      CREATE UNIQUE INDEX alarms_one_open ON alarms (elevator_id, type)
      WHERE status NOT IN ('resolved', 'false_alarm')`);
    await q.query(`CREATE INDEX alarms_elevator_idx ON alarms (elevator_id, opened_at DESC)`);
    await q.query(
      `CREATE INDEX alarms_open_idx ON alarms (status) WHERE status NOT IN ('resolved', 'false_alarm')`,
    );

    await q.query(`
      CREATE TABLE alarm_timeline (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alarm_id uuid NOT NULL REFERENCES alarms (id),
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        actor_user_id uuid,
        actor_username text NOT NULL,
        note text,
        data jsonb
      )`);
    await q.query(`CREATE INDEX alarm_timeline_alarm_idx ON alarm_timeline (alarm_id, id)`);
    await q.query(`
      CREATE TRIGGER alarm_timeline_append_only BEFORE UPDATE OR DELETE ON alarm_timeline
      FOR EACH ROW EXECUTE FUNCTION forbid_mutation()`);
    await q.query(`
      CREATE TRIGGER alarm_timeline_no_truncate BEFORE TRUNCATE ON alarm_timeline
      FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation()`);

    // A condition that must last some time before it becomes an alarm (entrapment: 30 s), kept in
    // the database so a restart resumes the same timer from the device's own timestamps.
    await q.query(`
      CREATE TABLE rule_state (
        elevator_id uuid NOT NULL REFERENCES elevators (id),
        rule text NOT NULL,
        since_ts timestamptz NOT NULL,
        last_ts timestamptz NOT NULL,
        PRIMARY KEY (elevator_id, rule)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rule_state`);
    await q.query(`DROP TABLE alarm_timeline`);
    await q.query(`DROP TABLE alarms`);
  }
}
