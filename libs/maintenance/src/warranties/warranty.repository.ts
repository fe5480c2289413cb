import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '@liftwatch/registry';
import { type WarrantyView } from './warranty.dto';
import { type WarrantyKind } from './warranties.service';

const SELECT = `
  SELECT w.id, w.elevator_id AS "elevatorId", w.kind, w.organisation_id AS "organisationId", o.name AS "organisationName",
         to_char(w.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(w.ends_on, 'YYYY-MM-DD') AS "endsOn", w.terms,
         (w.starts_on <= :today AND w.ends_on >= :today) AS "activeToday"
    FROM elevator_warranties w JOIN organisations o ON o.id = w.organisation_id`;

export interface WarrantyFaultCount {
  organisation_id: string;
  organisation_name: string;
  kind: WarrantyKind;
  elevator_id: string;
  type: string | null;
  n: string;
}

/** Every query of elevator warranties and the faults counted against them. */
@Injectable()
export class WarrantyRepository extends SqlRepository {
  ofElevator(elevatorId: string, today: string): Promise<WarrantyView[]> {
    return this.sql.query<WarrantyView>(
      `${SELECT} WHERE w.elevator_id = :elevatorId ORDER BY w.kind, w.starts_on`,
      {
        elevatorId,
        today,
      },
    );
  }

  find(id: string, today: string, db?: Db): Promise<WarrantyView | undefined> {
    return this.sql.one<WarrantyView>(`${SELECT} WHERE w.id = :id`, { id, today }, db);
  }

  async organisationKind(id: string): Promise<string | null> {
    return (
      (await this.sql.one<{ kind: string }>(`SELECT kind FROM organisations WHERE id = :id`, { id }))?.kind ??
      null
    );
  }

  async insert(
    tx: Db,
    w: {
      elevatorId: string;
      kind: string;
      organisationId: string;
      startsOn: string;
      endsOn: string;
      terms: string | null;
    },
  ): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO elevator_warranties (elevator_id, kind, organisation_id, starts_on, ends_on, terms)
       VALUES (:elevatorId, :kind, :organisationId, :startsOn, :endsOn, :terms) RETURNING id`,
      { ...w },
      tx,
    );
    if (!row) throw new Error('warranty not inserted');
    return row.id;
  }

  /** Alarms (offline aside) per warranty and type, raised while the warranty ran, within [from, to). */
  faultCounts(
    visibleElevators: IdFilter | null,
    from: Date,
    to: Date,
    timeZone: string,
  ): Promise<WarrantyFaultCount[]> {
    const scope = scopeSql('w.elevator_id', visibleElevators);
    return this.sql.query<WarrantyFaultCount>(
      `SELECT w.organisation_id, o.name AS organisation_name, w.kind,
              w.elevator_id, a.type, count(a.id) AS n
         FROM elevator_warranties w
         JOIN organisations o ON o.id = w.organisation_id
         LEFT JOIN alarms a ON a.elevator_id = w.elevator_id AND a.type <> 'offline'
              AND a.first_seen_ts >= GREATEST(CAST(:from AS timestamptz), (w.starts_on::timestamp AT TIME ZONE :tz))
              AND a.first_seen_ts < LEAST(CAST(:to AS timestamptz), ((w.ends_on + 1)::timestamp AT TIME ZONE :tz))
        WHERE w.starts_on < (CAST(:to AS timestamptz) AT TIME ZONE :tz)::date + 1 AND w.ends_on >= (CAST(:from AS timestamptz) AT TIME ZONE :tz)::date
        ${scope.sql}
        GROUP BY w.organisation_id, o.name, w.kind, w.elevator_id, a.type`,
      { from, to, tz: timeZone, ...scope.params },
    );
  }
}
