import { Injectable } from '@nestjs/common';
import { SqlRepository } from '@liftwatch/database';
import { type IdFilter } from '@liftwatch/registry';
import { type AlarmRow } from './alarm.repository';

/** Where an alarm happened, for lists: joined in one query. */
const PLACE = `(SELECT e.registration_code FROM elevators e WHERE e.id = a.elevator_id) AS registration_code,
  (SELECT b.community || ' ' || b.name || ' ' || u.name FROM elevators e JOIN units u ON u.id = e.unit_id
     JOIN buildings b ON b.id = u.building_id WHERE e.id = a.elevator_id) AS place`;

export interface AlarmListFilter {
  status?: string;
  type?: string;
  elevatorId?: string;
  from?: Date;
  to?: Date;
}

export type AlarmWithPlace = AlarmRow & { registration_code: string; place: string };

export interface FaultRateCount {
  manufacturer_id: string | null;
  manufacturer: string | null;
  model: string | null;
  elevators: string;
  faults: string;
}

export interface RescueRow {
  id: string;
  status: string;
  place: string;
  registration_code: string;
  release_method: 'technician' | 'firefighters' | 'self_released' | 'false_report' | null;
  reopen_count: number;
  /** closed while the car still reported a passenger aboard, on the closer's word */
  closed_over_car: boolean;
  notified_ts: Date;
  rescue_deadline: Date | null;
  arrived_at: Date | null;
  arrival_source: 'check_in' | 'device' | 'manual' | 'status' | null;
  condition_cleared_ts: Date | null;
  firm_id: string | null;
  firm: string | null;
}

/** The alarm lists, counts and reports people read (the ingest path writes through AlarmRepository). */
@Injectable()
export class AlarmReadRepository extends SqlRepository {
  /**
   * Open first; among open ones an entrapment whose passengers are not out yet is pinned on top
   * (unacknowledged first), then critical first, newest first; with where each happened.
   */
  async page(
    visible: IdFilter | null,
    q: AlarmListFilter & { limit: number; offset: number },
  ): Promise<[AlarmWithPlace[], number]> {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (visible) {
      where.push(`a.elevator_id IN (${visible.sql})`);
      Object.assign(params, visible.params);
    }
    if (q.status === 'open') where.push(`a.status NOT IN ('resolved', 'false_alarm')`);
    else if (q.status === 'closed') where.push(`a.status IN ('resolved', 'false_alarm')`);
    else if (q.status) {
      where.push('a.status = :status');
      params.status = q.status;
    }
    if (q.type) {
      where.push('a.type = :type');
      params.type = q.type;
    }
    if (q.elevatorId) {
      where.push('a.elevator_id = :elevatorId');
      params.elevatorId = q.elevatorId;
    }
    if (q.from) {
      where.push('a.opened_at >= :from');
      params.from = q.from;
    }
    if (q.to) {
      where.push('a.opened_at < :to');
      params.to = q.to;
    }
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = await this.sql.query<AlarmWithPlace & { total: string }>(
      `SELECT a.*, ${PLACE}, count(*) OVER () AS total FROM alarms a ${cond}
        ORDER BY (a.status IN ('resolved', 'false_alarm')),
                 (a.type = 'entrapment' AND a.condition_cleared_ts IS NULL AND a.status NOT IN ('resolved', 'false_alarm')) DESC,
                 (a.status = 'open') DESC, a.severity = 'critical' DESC, a.opened_at DESC
        LIMIT :limit OFFSET :offset`,
      { ...params, limit: q.limit, offset: q.offset },
    );
    return [rows, Number(rows[0]?.total ?? 0)];
  }

  /** Alarms per type by the same filters as the list. */
  countsByType(
    visible: IdFilter | null,
    q: Omit<AlarmListFilter, 'type'>,
  ): Promise<Array<{ type: string; n: string }>> {
    const filter = visible;
    return this.sql.query(
      `SELECT a.type, count(*) AS n FROM alarms a
        WHERE true ${filter ? `AND a.elevator_id IN (${filter.sql})` : ''}
          AND (CAST(:status AS text) IS NULL
               OR (CAST(:status AS text) = 'open' AND a.status NOT IN ('resolved', 'false_alarm'))
               OR (CAST(:status AS text) = 'closed' AND a.status IN ('resolved', 'false_alarm'))
               OR a.status = CAST(:status AS text))
          AND (CAST(:elevatorId AS uuid) IS NULL OR a.elevator_id = CAST(:elevatorId AS uuid))
          AND (CAST(:from AS timestamptz) IS NULL OR a.opened_at >= CAST(:from AS timestamptz))
          AND (CAST(:to AS timestamptz) IS NULL OR a.opened_at < CAST(:to AS timestamptz))
        GROUP BY a.type ORDER BY count(*) DESC, a.type`,
      {
        ...(filter?.params ?? {}),
        status: q.status ?? null,
        elevatorId: q.elevatorId ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
      },
    );
  }

  find(id: string): Promise<AlarmWithPlace | undefined> {
    return this.sql.one<AlarmWithPlace>(`SELECT a.*, ${PLACE} FROM alarms a WHERE a.id = :id`, { id });
  }

  /** Alarms by id, with their place (alarms changed in another process, to push them). */
  byIds(ids: string[]): Promise<AlarmWithPlace[]> {
    return this.sql.query<AlarmWithPlace>(
      `SELECT a.*, ${PLACE} FROM alarms a WHERE a.id = ANY(CAST(:ids AS uuid[]))`,
      {
        ids,
      },
    );
  }

  async registrationCode(elevatorId: string): Promise<string | null> {
    return (
      (
        await this.sql.one<{ registration_code: string }>(
          `SELECT registration_code FROM elevators WHERE id = :elevatorId`,
          {
            elevatorId,
          },
        )
      )?.registration_code ?? null
    );
  }

  /** Device-reported faults per maker and model over [from, to), with the number of elevators. */
  faultRates(
    visible: IdFilter | null,
    codes: readonly string[],
    from: Date,
    to: Date,
  ): Promise<FaultRateCount[]> {
    const filter = visible;
    return this.sql.query<FaultRateCount>(
      `SELECT e.manufacturer_id, o.name AS manufacturer, e.model, count(DISTINCT e.id) AS elevators,
              count(ev.ts) AS faults
         FROM elevators e
         LEFT JOIN organisations o ON o.id = e.manufacturer_id
         LEFT JOIN device_events ev ON ev.elevator_id = e.id AND ev.state = 'set' AND ev.code IN (:...codes)
                                   AND ev.ts >= :from AND ev.ts < :to
        ${filter ? `WHERE e.id IN (${filter.sql})` : ''}
        GROUP BY e.manufacturer_id, o.name, e.model
        ORDER BY count(ev.ts)::float / count(DISTINCT e.id) DESC, o.name, e.model`,
      { ...(filter?.params ?? {}), codes, from, to },
    );
  }

  /** Entrapments notified in [from, to) with where, how they ended and the firm under contract that day. */
  rescueRows(visible: IdFilter | null, from: Date, to: Date, timeZone: string): Promise<RescueRow[]> {
    const filter = visible;
    return this.sql.query<RescueRow>(
      `SELECT a.id, a.status, a.notified_ts, a.rescue_deadline, a.arrived_at, a.arrival_source, a.condition_cleared_ts,
              a.release_method, a.reopen_count, e.registration_code,
              b.community || ' ' || b.name || ' ' || u.name AS place,
              EXISTS (SELECT 1 FROM alarm_timeline t WHERE t.alarm_id = a.id AND t.data @> '{"carStillReported": true}')
                AS closed_over_car,
              f.id AS firm_id, f.name AS firm
         FROM alarms a
         JOIN elevators e ON e.id = a.elevator_id
         JOIN units u ON u.id = e.unit_id
         JOIN buildings b ON b.id = u.building_id
         LEFT JOIN LATERAL (
           SELECT o.id, o.name FROM elevator_coverage c JOIN organisations o ON o.id = c.organisation_id
            WHERE c.elevator_id = a.elevator_id AND c.kind = 'maintenance'
              AND c.valid_from <= (a.notified_ts AT TIME ZONE :tz)::date
              AND (c.valid_to IS NULL OR c.valid_to > (a.notified_ts AT TIME ZONE :tz)::date)
            LIMIT 1) f ON true
        WHERE a.type = 'entrapment' AND a.notified_ts >= :from AND a.notified_ts < :to
          ${filter ? `AND a.elevator_id IN (${filter.sql})` : ''}`,
      { ...(filter?.params ?? {}), from, to, tz: timeZone },
    );
  }

  /** Registration code and "community building unit" of each elevator. */
  async places(ids: string[]): Promise<Map<string, { registration_code: string; place: string }>> {
    const rows = await this.sql.query<{ id: string; registration_code: string; place: string }>(
      `SELECT e.id, e.registration_code, b.community || ' ' || b.name || ' ' || u.name AS place
         FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
        WHERE e.id IN (:...ids)`,
      { ids },
    );
    return new Map(rows.map((r) => [r.id, r]));
  }
}
