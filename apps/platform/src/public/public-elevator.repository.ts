import { Injectable } from '@nestjs/common';
import { Sql, SqlRepository } from '@liftwatch/database';

export interface PublicElevatorRow {
  id: string;
  registration_code: string;
  rescue_code: string | null;
  status: 'in_service' | 'out_of_service' | 'decommissioned';
  model: string | null;
  manufacturer: string | null;
  place: string;
  firm: string | null;
  firm_phone: string | null;
  last_maintained_on: string | null;
  insured: boolean;
}

/** The public read model of one elevator, by the registration code printed in its car. */
@Injectable()
export class PublicElevatorRepository extends SqlRepository {
  constructor(sql: Sql) {
    super(sql);
  }

  byRegistrationCode(code: string, today: string, tz: string): Promise<PublicElevatorRow | undefined> {
    return this.sql.one<PublicElevatorRow>(
      `SELECT e.id, e.registration_code, e.rescue_code, e.status, e.model, mo.name AS manufacturer,
              b.community || ' ' || b.name || ' ' || u.name AS place,
              f.name AS firm, f.duty_phone AS firm_phone,
              (SELECT to_char(max(r.departed_at) AT TIME ZONE :tz, 'YYYY-MM-DD') FROM maintenance_records r
                WHERE r.elevator_id = e.id AND r.kind <> 'correction') AS last_maintained_on,
              EXISTS (SELECT 1 FROM elevator_coverage c WHERE c.elevator_id = e.id AND c.kind = 'insurance'
                         AND c.valid_from <= CAST(:today AS date) AND (c.valid_to IS NULL OR c.valid_to > CAST(:today AS date))) AS insured
         FROM elevators e JOIN units u ON u.id = e.unit_id JOIN buildings b ON b.id = u.building_id
         LEFT JOIN organisations mo ON mo.id = e.manufacturer_id
         LEFT JOIN LATERAL (
           SELECT o.name, o.duty_phone FROM elevator_coverage c JOIN organisations o ON o.id = c.organisation_id
            WHERE c.elevator_id = e.id AND c.kind = 'maintenance'
              AND c.valid_from <= CAST(:today AS date) AND (c.valid_to IS NULL OR c.valid_to > CAST(:today AS date))
            LIMIT 1) f ON true
        WHERE e.registration_code = :code`,
      { code, today, tz },
    );
  }
}
