import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';

export const WORK_ORDER_STATUSES = [
  'assigned',
  'accepted',
  'en_route',
  'on_site',
  'done',
  'cancelled',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

export interface WorkOrderRow {
  id: string;
  alarmId: string;
  elevatorId: string;
  technicianId: string;
  technicianName: string;
  technicianPhone: string | null;
  assignedByName: string | null;
  status: WorkOrderStatus;
  note: string | null;
  assignedAt: Date;
  acceptedAt: Date | null;
  departedAt: Date | null;
  arrivedAt: Date | null;
  finishedAt: Date | null;
  registrationCode: string;
  rescueCode: string | null;
  place: string;
  address: string;
  alarmType: string;
  alarmStatus: string;
  rescueDeadline: Date | null;
  conditionClearedTs: Date | null;
  firstSeenTs: Date;
}

export interface TechnicianCandidateRow {
  id: string;
  displayName: string;
  phone: string | null;
  certificateNumber: string | null;
  openJobs: number;
  lastCheckInAt: Date | null;
  lastCheckInPlace: string | null;
  /** 0 same building, 1 same community, 2 elsewhere, null: no check-in on record */
  distanceRank: number | null;
}

const WORK_ORDER = `w.id, w.alarm_id AS "alarmId", w.elevator_id AS "elevatorId", w.technician_id AS "technicianId",
  t.display_name AS "technicianName", t.phone AS "technicianPhone", ab.display_name AS "assignedByName",
  w.status, w.note, w.assigned_at AS "assignedAt", w.accepted_at AS "acceptedAt", w.departed_at AS "departedAt",
  w.arrived_at AS "arrivedAt", w.finished_at AS "finishedAt", e.registration_code AS "registrationCode",
  e.rescue_code AS "rescueCode", b.community || ' ' || b.name || ' ' || u.name AS place, b.address,
  a.type AS "alarmType", a.status AS "alarmStatus", a.rescue_deadline AS "rescueDeadline",
  a.condition_cleared_ts AS "conditionClearedTs", a.first_seen_ts AS "firstSeenTs"`;

const FROM = `FROM work_orders w
  JOIN users t ON t.id = w.technician_id
  LEFT JOIN users ab ON ab.id = w.assigned_by
  JOIN alarms a ON a.id = w.alarm_id
  JOIN elevators e ON e.id = w.elevator_id
  JOIN units u ON u.id = e.unit_id
  JOIN buildings b ON b.id = u.building_id`;

/** Timestamp column each status sets. */
const STAMP: Partial<Record<WorkOrderStatus, string>> = {
  accepted: 'accepted_at',
  en_route: 'departed_at',
  on_site: 'arrived_at',
  done: 'finished_at',
};

/** Work orders: an alarm dispatched to a named technician, taken to completion on the phone. */
@Injectable()
export class WorkOrderRepository extends SqlRepository {
  /** Cancels the alarm's active order (a reassignment) and creates the new one. */
  async assign(
    db: Db,
    w: { alarmId: string; elevatorId: string; technicianId: string; assignedBy: string; note: string | null },
  ): Promise<string> {
    await this.sql.query(
      `UPDATE work_orders SET status = 'cancelled', finished_at = now(), updated_at = now()
        WHERE alarm_id = :alarmId AND status NOT IN ('done', 'cancelled')`,
      { alarmId: w.alarmId },
      db,
    );
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO work_orders (alarm_id, elevator_id, technician_id, assigned_by, note)
       VALUES (:alarmId, :elevatorId, :technicianId, :assignedBy, :note) RETURNING id`,
      w,
      db,
    );
    if (!row) throw new Error('work order: insert returned nothing');
    return row.id;
  }

  find(id: string, db?: Db): Promise<WorkOrderRow | undefined> {
    return this.sql.one<WorkOrderRow>(`SELECT ${WORK_ORDER} ${FROM} WHERE w.id = :id`, { id }, db);
  }

  active(alarmId: string, db?: Db): Promise<WorkOrderRow | undefined> {
    return this.sql.one<WorkOrderRow>(
      `SELECT ${WORK_ORDER} ${FROM} WHERE w.alarm_id = :alarmId AND w.status NOT IN ('done', 'cancelled')`,
      { alarmId },
      db,
    );
  }

  /** The alarm's active order, or else its latest. */
  latest(alarmId: string): Promise<WorkOrderRow | undefined> {
    return this.sql.one<WorkOrderRow>(
      `SELECT ${WORK_ORDER} ${FROM} WHERE w.alarm_id = :alarmId
        ORDER BY (w.status IN ('done', 'cancelled')), w.assigned_at DESC LIMIT 1`,
      { alarmId },
    );
  }

  /** Orders of one technician or of one firm's technicians: the active ones, then the last day's. */
  list(f: { technicianId?: string; organisationId?: string | null }): Promise<WorkOrderRow[]> {
    return this.sql.query<WorkOrderRow>(
      `SELECT ${WORK_ORDER} ${FROM}
        WHERE (CAST(:technicianId AS uuid) IS NULL OR w.technician_id = CAST(:technicianId AS uuid))
          AND (CAST(:org AS uuid) IS NULL OR t.organisation_id = CAST(:org AS uuid))
          AND (w.status NOT IN ('done', 'cancelled') OR w.updated_at > now() - interval '1 day')
        ORDER BY (w.status IN ('done', 'cancelled')), (a.type = 'entrapment') DESC, w.assigned_at DESC
        LIMIT 200`,
      { technicianId: f.technicianId ?? null, org: f.organisationId ?? null },
    );
  }

  /** Moves an order to `to` from one of `from`, stamping the step's time; undefined if it was not there. */
  step(
    db: Db,
    id: string,
    from: readonly WorkOrderStatus[],
    to: WorkOrderStatus,
  ): Promise<{ id: string } | undefined> {
    const stamp = STAMP[to];
    return this.sql.one<{ id: string }>(
      `WITH u AS (
         UPDATE work_orders SET status = :to, updated_at = now()${stamp ? `, ${stamp} = coalesce(${stamp}, now())` : ''}
          WHERE id = :id AND status IN (:...from) RETURNING id)
       SELECT * FROM u`,
      { id, from, to },
      db,
    );
  }

  /** The technicians of a firm, with their open orders and where they last checked in at a car. */
  candidates(organisationId: string, elevatorId: string): Promise<TechnicianCandidateRow[]> {
    return this.sql.query<TechnicianCandidateRow>(
      `WITH here AS (
         SELECT b.id AS building_id, b.community, b.region_code FROM elevators e JOIN units u ON u.id = e.unit_id
           JOIN buildings b ON b.id = u.building_id WHERE e.id = :elevatorId)
       SELECT t.id, t.display_name AS "displayName", t.phone, t.certificate_number AS "certificateNumber",
              (SELECT count(*) FROM work_orders w WHERE w.technician_id = t.id
                  AND w.status NOT IN ('done', 'cancelled'))::int AS "openJobs",
              last.at AS "lastCheckInAt", last.place AS "lastCheckInPlace",
              CASE WHEN last.at IS NULL THEN NULL WHEN last.building_id = here.building_id THEN 0
                   WHEN last.community = here.community AND last.region_code = here.region_code THEN 1 ELSE 2 END
                AS "distanceRank"
         FROM users t CROSS JOIN here
         LEFT JOIN LATERAL (
           SELECT x.at, b.id AS building_id, b.community, b.region_code,
                  b.community || ' ' || b.name || ' ' || u.name AS place
             FROM alarm_arrivals x JOIN alarms a ON a.id = x.alarm_id JOIN elevators e ON e.id = a.elevator_id
             JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
            WHERE x.recorded_by = t.id AND x.source = 'check_in'
            ORDER BY x.at DESC LIMIT 1) last ON true
        WHERE t.role = 'technician' AND t.organisation_id = :organisationId AND t.disabled_at IS NULL
        ORDER BY t.display_name`,
      { organisationId, elevatorId },
    );
  }

  technician(id: string): Promise<{ id: string; organisationId: string; displayName: string } | undefined> {
    return this.sql.one(
      `SELECT id, organisation_id AS "organisationId", display_name AS "displayName" FROM users
        WHERE id = :id AND role = 'technician' AND disabled_at IS NULL`,
      { id },
    );
  }

  /** The firm maintaining the elevator on the business day `today`. */
  async firmOf(elevatorId: string, today: string): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `SELECT c.organisation_id AS id FROM elevator_coverage c
        WHERE c.elevator_id = :elevatorId AND c.kind = 'maintenance' AND c.valid_from <= :today
          AND (c.valid_to IS NULL OR c.valid_to > :today) LIMIT 1`,
      { elevatorId, today },
    );
    return row?.id ?? null;
  }
}
