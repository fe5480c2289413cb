import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type AlarmRow } from '../alarm.repository';
import { type ReleaseMethod } from './entrapment-closure';

export const REPORT_CHANNELS = ['public', 'phone', 'alarm_button'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

export interface ReportRow {
  id: string;
  alarmId: string;
  at: Date;
  channel: ReportChannel;
  kind: string;
  text: string | null;
  callbackPhone: string | null;
  recordedByName: string;
}

/**
 * What keeps an entrapment from being lost: the car's own condition (rule_state), the reports
 * that opened or joined the incident, a closure with the way out, and the reopening of an
 * incident the car goes on reporting after its closure.
 */
@Injectable()
export class RescueRepository extends SqlRepository {
  /**
   * Whether the car's data still shows the entrapment condition, inspection mode aside (a
   * technician has the car): held in rule_state (a passenger aboard, stopped out of the door zone or
   * with its doors closed, for more than a few seconds), or the latest sample of an online car
   * shows a passenger aboard, stopped between floors (never a normal stop, so no need to wait).
   */
  async carStillReports(elevatorId: string, db?: Db): Promise<boolean> {
    const row = await this.sql.one<{ held: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM rule_state r LEFT JOIN elevator_live_state s ON s.elevator_id = r.elevator_id
          WHERE r.elevator_id = :elevatorId AND r.rule = 'entrapment' AND coalesce(s.mode, 1) <> 2)
       OR EXISTS (
         SELECT 1 FROM elevator_live_state s
          WHERE s.elevator_id = :elevatorId AND s.online AND s.running = false AND s.passenger
            AND s.door_zone = false AND coalesce(s.mode, 1) <> 2) AS held`,
      { elevatorId },
      db,
    );
    return row?.held === true;
  }

  async insertReport(
    db: Db,
    r: {
      alarmId: string;
      at: Date;
      channel: ReportChannel;
      kind: string;
      text: string | null;
      callbackPhone: string | null;
      recordedBy: string | null;
      recordedByName: string;
    },
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO alarm_reports (alarm_id, at, channel, kind, text, callback_phone, recorded_by, recorded_by_name)
       VALUES (:alarmId, :at, :channel, :kind, :text, :callbackPhone, :recordedBy, :recordedByName)`,
      r,
      db,
    );
  }

  reports(alarmId: string): Promise<ReportRow[]> {
    return this.sql.query<ReportRow>(
      `SELECT id, alarm_id AS "alarmId", at, channel, kind, text, callback_phone AS "callbackPhone",
              recorded_by_name AS "recordedByName"
         FROM alarm_reports WHERE alarm_id = :alarmId ORDER BY at, id`,
      { alarmId },
    );
  }

  /** The first time the car's own data joins an incident someone reported: once, returned when new. */
  async confirmByDevice(db: Db, alarmId: string, ts: number): Promise<AlarmRow | undefined> {
    return this.sql.one<AlarmRow>(
      `WITH u AS (
         UPDATE alarms SET device_confirmed_ts = to_timestamp(CAST(:ts AS float8) / 1000.0), updated_at = now()
          WHERE id = :alarmId AND device_confirmed_ts IS NULL RETURNING *)
       SELECT * FROM u`,
      { alarmId, ts },
      db,
    );
  }

  /** Closes an alarm (resolved or false alarm) if nobody moved it meanwhile, with the way out. */
  close(
    db: Db,
    id: string,
    from: string,
    to: 'resolved' | 'false_alarm',
    releaseMethod: ReleaseMethod | null,
  ): Promise<AlarmRow | undefined> {
    return this.sql.one<AlarmRow>(
      `WITH u AS (
         UPDATE alarms SET status = :to, closed_at = now(), updated_at = now(),
                release_method = coalesce(CAST(:releaseMethod AS text), release_method)
          WHERE id = :id AND status = :from RETURNING *)
       SELECT * FROM u`,
      { id, from, to, releaseMethod },
      db,
    );
  }

  /**
   * Entrapments closed by hand whose car has gone on reporting the same condition for `graceS`
   * since the closure — a condition begun before the closure and still held, with a sample after
   * it — and no other entrapment open for the car. Inspection mode (a technician has the car)
   * holds it back.
   */
  persistingAfterClosure(db: Db, graceS: number): Promise<AlarmRow[]> {
    return this.sql.query<AlarmRow>(
      `SELECT a.* FROM rule_state r
         JOIN LATERAL (
           SELECT * FROM alarms a WHERE a.elevator_id = r.elevator_id AND a.type = 'entrapment'
              AND a.status IN ('resolved', 'false_alarm') AND a.closed_at > now() - interval '1 day'
            ORDER BY a.closed_at DESC LIMIT 1) a ON true
         LEFT JOIN elevator_live_state s ON s.elevator_id = r.elevator_id
        WHERE r.rule = 'entrapment'
          AND r.since_ts <= a.closed_at AND r.last_ts >= a.closed_at
          AND now() >= a.closed_at + make_interval(secs => CAST(:graceS AS int))
          AND coalesce(s.mode, 1) <> 2
          AND (a.condition_cleared_ts IS NULL OR a.condition_cleared_ts < r.since_ts)
          AND NOT EXISTS (SELECT 1 FROM alarms o WHERE o.elevator_id = r.elevator_id AND o.type = 'entrapment'
                             AND o.status NOT IN ('resolved', 'false_alarm'))`,
      { graceS },
      db,
    );
  }

  /**
   * Opens a closed entrapment again as the same incident: its rescue clock unchanged, its
   * acknowledgement and escalation starting over, its release (if any was recorded) undone.
   */
  reopen(db: Db, id: string): Promise<AlarmRow | undefined> {
    return this.sql.one<AlarmRow>(
      `WITH u AS (
         UPDATE alarms SET status = 'open', closed_at = NULL, release_method = NULL, condition_cleared_ts = NULL,
                reopen_count = reopen_count + 1, ack_clock_from = now(), ack_escalation_step = 0, updated_at = now()
          WHERE id = :id AND status IN ('resolved', 'false_alarm') RETURNING *)
       SELECT * FROM u`,
      { id },
      db,
    );
  }
}
