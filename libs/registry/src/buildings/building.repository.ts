import { Injectable } from '@nestjs/common';
import { containsPattern, type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '../visibility/visibility.repository';
import { type BuildingEntity, type UnitEntity } from './building.entity';

const BUILDING = `b.id, b.region_code AS "regionCode", b.community, b.name, b.address, b.built_year AS "builtYear",
  b.created_at AS "createdAt", b.updated_at AS "updatedAt"`;
const UNIT = `u.id, u.building_id AS "buildingId", u.name, u.floor_count AS "floorCount",
  u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

type BuildingFields = Pick<BuildingEntity, 'regionCode' | 'community' | 'name' | 'address'> & {
  builtYear?: number | null;
};
type UnitFields = Pick<UnitEntity, 'buildingId' | 'name' | 'floorCount'>;

/** Every query of buildings (楼栋) and their units (单元). */
@Injectable()
export class BuildingRepository extends SqlRepository {
  async pageBuildings(
    visible: IdFilter | null,
    f: { regionPrefix?: string; q?: string; limit: number; offset: number },
  ): Promise<[BuildingEntity[], number]> {
    const s = scopeSql('b.id', visible);
    const where = `WHERE (CAST(:prefix AS text) IS NULL OR b.region_code LIKE :prefix || '%')
        AND (CAST(:search AS text) IS NULL OR b.community ILIKE :search OR b.name ILIKE :search OR b.address ILIKE :search)${s.sql}`;
    const params = { ...s.params, prefix: f.regionPrefix ?? null, search: containsPattern(f.q) };
    return this.sql.page<BuildingEntity>(
      { columns: BUILDING, from: `FROM buildings b ${where}`, orderBy: 'b.community, b.name, b.id', params },
      f.limit,
      f.offset,
    );
  }

  findBuilding(id: string, visible: IdFilter | null = null, db?: Db): Promise<BuildingEntity | undefined> {
    const s = scopeSql('b.id', visible);
    return this.sql.one<BuildingEntity>(
      `SELECT ${BUILDING} FROM buildings b WHERE b.id = :id${s.sql}`,
      { id, ...s.params },
      db,
    );
  }

  async regionExists(code: string): Promise<boolean> {
    return (await this.sql.one(`SELECT 1 FROM regions WHERE code = :code`, { code })) !== undefined;
  }

  async insertBuilding(tx: Db, b: BuildingFields): Promise<BuildingEntity> {
    const row = await this.sql.one<BuildingEntity>(
      `WITH b AS (INSERT INTO buildings (region_code, community, name, address, built_year)
                  VALUES (:regionCode, :community, :name, :address, :builtYear) RETURNING *)
       SELECT ${BUILDING} FROM b`,
      { ...b, builtYear: b.builtYear ?? null },
      tx,
    );
    if (!row) throw new Error('building not inserted');
    return row;
  }

  async updateBuilding(tx: Db, id: string, changes: Partial<BuildingFields>): Promise<BuildingEntity> {
    const row = await this.sql.one<BuildingEntity>(
      `WITH b AS (UPDATE buildings SET
                    region_code = coalesce(:regionCode, region_code), community = coalesce(:community, community),
                    name = coalesce(:name, name), address = coalesce(:address, address),
                    built_year = CASE WHEN :setBuiltYear THEN CAST(:builtYear AS integer) ELSE built_year END,
                    updated_at = now()
                  WHERE id = :id RETURNING *)
       SELECT ${BUILDING} FROM b`,
      {
        id,
        regionCode: changes.regionCode ?? null,
        community: changes.community ?? null,
        name: changes.name ?? null,
        address: changes.address ?? null,
        setBuiltYear: changes.builtYear !== undefined,
        builtYear: changes.builtYear ?? null,
      },
      tx,
    );
    if (!row) throw new Error(`building ${id} vanished`);
    return row;
  }

  async buildingHasUnits(id: string): Promise<boolean> {
    return (await this.sql.one(`SELECT 1 FROM units WHERE building_id = :id`, { id })) !== undefined;
  }

  async deleteBuilding(tx: Db, id: string): Promise<void> {
    await this.sql.query(`DELETE FROM buildings WHERE id = :id`, { id }, tx);
  }

  async pageUnits(
    visible: IdFilter | null,
    f: { buildingId?: string; limit: number; offset: number },
  ): Promise<[UnitEntity[], number]> {
    const s = scopeSql('u.id', visible);
    const where = `WHERE (CAST(:buildingId AS uuid) IS NULL OR u.building_id = CAST(:buildingId AS uuid))${s.sql}`;
    const params = { ...s.params, buildingId: f.buildingId ?? null };
    return this.sql.page<UnitEntity>(
      { columns: UNIT, from: `FROM units u ${where}`, orderBy: 'u.name, u.id', params },
      f.limit,
      f.offset,
    );
  }

  findUnit(id: string, visible: IdFilter | null = null, db?: Db): Promise<UnitEntity | undefined> {
    const s = scopeSql('u.id', visible);
    return this.sql.one<UnitEntity>(
      `SELECT ${UNIT} FROM units u WHERE u.id = :id${s.sql}`,
      { id, ...s.params },
      db,
    );
  }

  async insertUnit(tx: Db, u: UnitFields): Promise<UnitEntity> {
    const row = await this.sql.one<UnitEntity>(
      `WITH u AS (INSERT INTO units (building_id, name, floor_count) VALUES (:buildingId, :name, :floorCount) RETURNING *)
       SELECT ${UNIT} FROM u`,
      { ...u },
      tx,
    );
    if (!row) throw new Error('unit not inserted');
    return row;
  }

  async updateUnit(
    tx: Db,
    id: string,
    changes: Partial<Omit<UnitFields, 'buildingId'>>,
  ): Promise<UnitEntity> {
    const row = await this.sql.one<UnitEntity>(
      `WITH u AS (UPDATE units SET name = coalesce(:name, name), floor_count = coalesce(:floorCount, floor_count),
                    updated_at = now()
                  WHERE id = :id RETURNING *)
       SELECT ${UNIT} FROM u`,
      { id, name: changes.name ?? null, floorCount: changes.floorCount ?? null },
      tx,
    );
    if (!row) throw new Error(`unit ${id} vanished`);
    return row;
  }

  /** The highest floor a flat or an elevator stop of the unit uses, null when none. */
  async topFloorInUse(unitId: string): Promise<number | null> {
    const row = await this.sql.one<{ top: number | null }>(
      `SELECT greatest((SELECT max(floor) FROM flats WHERE unit_id = :unitId),
                       (SELECT max(f) FROM elevators e, unnest(e.served_floors) f WHERE e.unit_id = :unitId)) AS top`,
      { unitId },
    );
    return row?.top ?? null;
  }

  /** Whether flats, elevators or agent users still refer to the unit. */
  async unitInUse(unitId: string): Promise<boolean> {
    const row = await this.sql.one<{ used: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM flats WHERE unit_id = :unitId) OR EXISTS (SELECT 1 FROM elevators WHERE unit_id = :unitId)
              OR EXISTS (SELECT 1 FROM users WHERE unit_id = :unitId) AS used`,
      { unitId },
    );
    return row?.used === true;
  }

  async deleteUnit(tx: Db, id: string): Promise<void> {
    await this.sql.query(`DELETE FROM units WHERE id = :id`, { id }, tx);
  }
}
