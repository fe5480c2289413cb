import { Injectable } from '@nestjs/common';
import { containsPattern, type Db, Sql } from '@liftwatch/database';
import { type IdFilter } from '@liftwatch/registry';

export interface FleetRow {
  elevator_id: string;
  registration_code: string;
  rescue_code: string | null;
  model: string | null;
  elevator_status: string;
  unit_id: string;
  unit_name: string;
  floor_count: number;
  building_id: string;
  building_name: string;
  community: string;
  address: string;
  region_code: string;
  region_name: string | null;
  firm_name: string | null;
}

export interface OpenAlarmRow {
  elevator_id: string;
  type: string;
  condition_cleared_ts: Date | null;
}

/** The fleet picture's SQL: elevators with their place, and open alarms. */
@Injectable()
export class FleetRepository {
  constructor(private readonly sql: Sql) {}

  /** Visible elevators (not decommissioned) with where they are and who maintains them today. */
  elevators(
    visible: IdFilter | null,
    f: { regionCode?: string; buildingId?: string; q?: string },
    today: string,
  ): Promise<FleetRow[]> {
    return this.sql.query<FleetRow>(
      `SELECT e.id AS elevator_id, e.registration_code, e.rescue_code, e.model, e.status AS elevator_status,
              u.id AS unit_id, u.name AS unit_name, u.floor_count, b.id AS building_id, b.name AS building_name,
              b.community, b.address, b.region_code, r.name AS region_name, firm.name AS firm_name
         FROM elevators e
         JOIN units u ON u.id = e.unit_id
         JOIN buildings b ON b.id = u.building_id
         LEFT JOIN regions r ON r.code = b.region_code
         LEFT JOIN LATERAL (
           SELECT o.name FROM elevator_coverage c JOIN organisations o ON o.id = c.organisation_id
            WHERE c.elevator_id = e.id AND c.kind = 'maintenance' AND c.valid_from <= :today
              AND (c.valid_to IS NULL OR c.valid_to > :today)
            LIMIT 1) firm ON true
        WHERE e.status <> 'decommissioned'
          ${visible ? `AND e.id IN (${visible.sql})` : ''}
          AND (CAST(:region AS text) IS NULL OR b.region_code LIKE CAST(:region AS text))
          AND (CAST(:building AS uuid) IS NULL OR b.id = CAST(:building AS uuid))
          AND (CAST(:q AS text) IS NULL OR e.registration_code ILIKE CAST(:q AS text) OR e.rescue_code ILIKE CAST(:q AS text)
               OR b.community ILIKE CAST(:q AS text) OR b.name ILIKE CAST(:q AS text))
        ORDER BY b.region_code, b.community, b.name, u.name, e.registration_code`,
      {
        ...(visible?.params ?? {}),
        today,
        region: f.regionCode ? `${f.regionCode}%` : null,
        building: f.buildingId ?? null,
        q: containsPattern(f.q),
      },
    );
  }

  /** Every open alarm (few: they are handled within hours). */
  openAlarms(db?: Db, elevatorIds?: string[]): Promise<OpenAlarmRow[]> {
    return this.sql.query<OpenAlarmRow>(
      `SELECT elevator_id, type, condition_cleared_ts FROM alarms
        WHERE status NOT IN ('resolved', 'false_alarm')
          AND (CAST(:ids AS uuid[]) IS NULL OR elevator_id = ANY(CAST(:ids AS uuid[])))`,
      { ids: elevatorIds ?? null },
      db,
    );
  }
}
