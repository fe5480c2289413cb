import { Injectable } from '@nestjs/common';
import { Sql } from '@liftwatch/database';

export interface EvidenceAlarmRow {
  id: string;
  type: string;
  severity: string;
  status: string;
  first_seen_ts: Date;
  last_seen_ts: Date;
  condition_cleared_ts: Date | null;
  rescue_deadline: Date | null;
  notified_ts: Date | null;
  arrived_at: Date | null;
  arrival_source: string | null;
  closed_at: Date | null;
}

export interface EvidenceArrivalRow {
  alarm_id: string;
  at: Date;
  source: string;
  kind: string;
  recorded_by_name: string;
  reason: string | null;
}

export interface EvidenceTimelineRow {
  alarm_id: string;
  at: Date;
  kind: string;
  actor_username: string | null;
  note: string | null;
}

/** What the elevator recorded around an incident, read for a claim's evidence bundle. */
@Injectable()
export class EvidenceRepository {
  constructor(private readonly sql: Sql) {}

  /** Status samples in the window, in device order, at most `limit`. */
  /**
   * Status samples of the window as the platform had them at the freeze: received by then, and
   * stamped no later than the freeze plus the accepted clock skew.
   */
  samples(
    elevatorId: string,
    from: Date,
    to: Date,
    limit: number,
    frozen: { receivedBy: Date; stampedBy: Date },
  ): Promise<Array<Record<string, unknown> & { ts: Date }>> {
    return this.sql.query(
      `SELECT ts, seq, running, direction, floor, door_zone AS "doorZone", door_closed AS "doorClosed",
              passenger, mode, speed_mps AS "speedMps", load_kg AS "loadKg"
         FROM telemetry_status WHERE elevator_id = :elevatorId AND ts >= :from AND ts <= :to
          AND received_at <= :receivedBy AND ts <= :stampedBy
        ORDER BY ts, seq LIMIT :limit`,
      { elevatorId, from, to, limit, ...frozen },
    );
  }

  events(
    elevatorId: string,
    from: Date,
    to: Date,
    limit: number,
    frozen: { receivedBy: Date; stampedBy: Date },
  ): Promise<Array<Record<string, unknown> & { ts: Date }>> {
    return this.sql.query(
      `SELECT ts, seq, code, state, detail FROM device_events
        WHERE elevator_id = :elevatorId AND ts >= :from AND ts <= :to
          AND received_at <= :receivedBy AND ts <= :stampedBy ORDER BY ts, seq LIMIT :limit`,
      { elevatorId, from, to, limit, ...frozen },
    );
  }

  /** The elevator as it stands: codes, model, maker and place. */
  elevatorSnapshot(elevatorId: string): Promise<Record<string, unknown> | undefined> {
    return this.sql.one(
      `SELECT e.id, e.registration_code AS "registrationCode", e.equipment_code AS "equipmentCode", e.model,
              mo.name AS manufacturer, e.commissioned_on::text AS "commissionedOn", b.community, b.name AS building,
              u.name AS unit, b.address, b.region_code AS "regionCode"
         FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
         LEFT JOIN organisations mo ON mo.id = e.manufacturer_id WHERE e.id = :elevatorId`,
      { elevatorId },
    );
  }

  /** The alarms with their rescue arrivals and timelines, three queries for any number of alarms. */
  async alarms(ids: string[]): Promise<{
    rows: EvidenceAlarmRow[];
    arrivals: EvidenceArrivalRow[];
    timeline: EvidenceTimelineRow[];
  }> {
    if (ids.length === 0) return { rows: [], arrivals: [], timeline: [] };
    const rows = await this.sql.query<EvidenceAlarmRow>(
      `SELECT id, type, severity, status, first_seen_ts, last_seen_ts, condition_cleared_ts, rescue_deadline,
              notified_ts, arrived_at, arrival_source, closed_at
         FROM alarms WHERE id IN (:...ids) ORDER BY first_seen_ts`,
      { ids },
    );
    const arrivals = await this.sql.query<EvidenceArrivalRow>(
      `SELECT alarm_id, at, source, kind, recorded_by_name, reason FROM alarm_arrivals
        WHERE alarm_id IN (:...ids) ORDER BY at, id`,
      { ids },
    );
    const timeline = await this.sql.query<EvidenceTimelineRow>(
      `SELECT alarm_id, at, kind, actor_username, note FROM alarm_timeline WHERE alarm_id IN (:...ids) ORDER BY id`,
      { ids },
    );
    return { rows, arrivals, timeline };
  }
}
