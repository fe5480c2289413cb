import { Injectable } from '@nestjs/common';
import { SqlRepository } from '@liftwatch/database';
import { SERVICE_STOPPING_TYPES } from '../alarm-types';

export interface OutageRow {
  id: string;
  type: string;
  first_seen_ts: Date;
  /** when the condition ended (device time) or, failing that, when the alarm was closed */
  ended: Date | null;
}

/** The alarms that decide an elevator's availability in a month, and the month's bounds. */
@Injectable()
export class AvailabilityRepository extends SqlRepository {
  /** The business month's first instant and the next month's, in the business time zone. */
  async monthBounds(month: string, timeZone: string): Promise<{ from: Date; to: Date }> {
    const row = await this.sql.one<{ from: Date; to: Date }>(
      `SELECT (CAST(:first AS date))::timestamp AT TIME ZONE :tz AS "from",
              (CAST(:first AS date) + interval '1 month')::timestamp AT TIME ZONE :tz AS "to"`,
      { first: `${month}-01`, tz: timeZone },
    );
    if (!row) throw new Error('month bounds');
    return row;
  }

  /** Service-stopping and offline alarms overlapping [from, to); false alarms excluded. */
  outages(elevatorId: string, from: Date, to: Date): Promise<OutageRow[]> {
    return this.sql.query<OutageRow>(
      `SELECT id, type, first_seen_ts, ended FROM (
         SELECT id, type, first_seen_ts, status, coalesce(condition_cleared_ts, closed_at) AS ended
           FROM alarms
          WHERE elevator_id = :elevatorId
            AND (type IN (:...stopping) OR type LIKE 'fault\\_%' OR type = 'offline')
            AND first_seen_ts < :to) a
        WHERE status <> 'false_alarm' AND (ended IS NULL OR ended > :from)
        ORDER BY first_seen_ts`,
      { elevatorId, stopping: [...SERVICE_STOPPING_TYPES], from, to },
    );
  }
}
