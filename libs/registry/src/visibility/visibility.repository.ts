import { Injectable } from '@nestjs/common';
import { Sql } from '@liftwatch/database';
import { type Principal } from '@liftwatch/access';
import { Clock } from '@liftwatch/calendar';
import { regionScopePrefix } from '../regions/region-code.util';

/** A subquery returning visible ids, with its named parameters (prefixed `vis_`). */
export interface IdFilter {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * What each role may see, written once as SQL. Every registry query joins one of these filters;
 * `null` means unrestricted (admin). A record outside the filter is answered with 404.
 *
 * - regulator: everything whose building lies in its region or below (GB/T 2260 prefix);
 * - firm and technician: elevators under the firm's active maintenance contracts, and their units;
 * - insurer: elevators it insures (coverage), and their units;
 * - owner: the units where the owner currently owns a flat;
 * - agent: the one unit it acts for.
 */
@Injectable()
export class VisibilityRepository {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

  units(p: Principal): IdFilter | null {
    const today = this.clock.today();
    switch (p.role) {
      case 'admin':
        return null;
      case 'regulator':
        return {
          sql: `SELECT vu.id FROM units vu JOIN buildings vb ON vb.id = vu.building_id WHERE vb.region_code LIKE :vis_region`,
          params: { vis_region: `${regionScopePrefix(p.regionCode ?? '')}%` },
        };
      case 'firm':
      case 'technician':
      case 'insurer':
        return {
          sql: `SELECT ve.unit_id AS id FROM elevators ve JOIN (${this.assignedSql()}) va ON va.elevator_id = ve.id`,
          params: this.assignedParams(p, today),
        };
      case 'owner':
        return {
          sql: `SELECT vf.unit_id AS id FROM flats vf JOIN flat_ownerships vo ON vo.flat_id = vf.id
                WHERE vo.owner_id = :vis_owner AND vo.valid_from <= :vis_today
                  AND (vo.valid_to IS NULL OR vo.valid_to > :vis_today)`,
          params: { vis_owner: p.ownerId, vis_today: today },
        };
      case 'agent':
        return { sql: `SELECT CAST(:vis_unit AS uuid) AS id`, params: { vis_unit: p.unitId } };
    }
  }

  elevators(p: Principal): IdFilter | null {
    if (p.role === 'admin') return null;
    if (p.role === 'firm' || p.role === 'technician' || p.role === 'insurer') {
      return {
        sql: `SELECT va.elevator_id AS id FROM (${this.assignedSql()}) va`,
        params: this.assignedParams(p, this.clock.today()),
      };
    }
    const units = this.units(p);
    if (!units) return null;
    return {
      sql: `SELECT vel.id FROM elevators vel WHERE vel.unit_id IN (${units.sql})`,
      params: units.params,
    };
  }

  buildings(p: Principal): IdFilter | null {
    if (p.role === 'admin') return null;
    if (p.role === 'regulator') {
      return {
        sql: `SELECT vb2.id FROM buildings vb2 WHERE vb2.region_code LIKE :vis_region`,
        params: { vis_region: `${regionScopePrefix(p.regionCode ?? '')}%` },
      };
    }
    const units = this.units(p);
    if (!units) return null;
    return {
      sql: `SELECT vu2.building_id AS id FROM units vu2 WHERE vu2.id IN (${units.sql})`,
      params: units.params,
    };
  }

  /**
   * Owners (personal data) are visible to admins, and to owners and agents for the owners of the
   * units they see. Regulators, firms and insurers get no personal data from the registry.
   * Returns 'none' when the role may see no owner at all.
   */
  owners(p: Principal): IdFilter | null | 'none' {
    if (p.role === 'admin') return null;
    if (p.role !== 'owner' && p.role !== 'agent') return 'none';
    const units = this.units(p);
    if (!units) return null;
    return {
      sql: `SELECT vo2.owner_id AS id FROM flat_ownerships vo2 JOIN flats vf2 ON vf2.id = vo2.flat_id
            WHERE vf2.unit_id IN (${units.sql}) AND vo2.valid_from <= :vis_today2
              AND (vo2.valid_to IS NULL OR vo2.valid_to > :vis_today2)`,
      params: { ...units.params, vis_today2: this.clock.today() },
    };
  }

  /** Flats (areas, floors) are for admins, regulators, owners and agents; not firms or insurers. */
  flats(p: Principal): IdFilter | null | 'none' {
    if (p.role === 'firm' || p.role === 'technician' || p.role === 'insurer') return 'none';
    return this.units(p);
  }

  async canSeeUnit(p: Principal, unitId: string): Promise<boolean> {
    return this.contains(this.units(p), unitId);
  }

  async canSeeElevator(p: Principal, elevatorId: string): Promise<boolean> {
    return this.contains(this.elevators(p), elevatorId);
  }

  private async contains(filter: IdFilter | null, id: string): Promise<boolean> {
    if (!filter) return true;
    const row = await this.sql.one(`SELECT 1 FROM (${filter.sql}) v WHERE v.id = :vis_probe`, {
      ...filter.params,
      vis_probe: id,
    });
    return row !== undefined;
  }

  private assignedSql(): string {
    return `SELECT a.elevator_id FROM elevator_coverage a
            WHERE a.organisation_id = :vis_org AND a.kind = :vis_kind
              AND a.valid_from <= :vis_today AND (a.valid_to IS NULL OR a.valid_to > :vis_today)`;
  }

  private assignedParams(p: Principal, today: string): Record<string, unknown> {
    return {
      vis_org: p.organisationId,
      vis_kind: p.role === 'insurer' ? 'insurance' : 'maintenance',
      vis_today: today,
    };
  }
}

/** `AND <column> IN (visible ids)` for explicit SQL, with its parameters; 'none' matches nothing. */
export function scopeSql(
  column: string,
  filter: IdFilter | null | 'none',
): { sql: string; params: Record<string, unknown> } {
  if (filter === null) return { sql: '', params: {} };
  if (filter === 'none') return { sql: ' AND false', params: {} };
  return { sql: ` AND ${column} IN (${filter.sql})`, params: filter.params };
}
