import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type RegionEntity } from './region.entity';

const REGION = `r.code, r.name, r.name_en AS "nameEn", r.level, r.parent_code AS "parentCode",
  r.rescue_arrival_limit_min AS "rescueArrivalLimitMin", r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;
const COLUMNS = {
  name: 'name',
  nameEn: 'name_en',
  rescueArrivalLimitMin: 'rescue_arrival_limit_min',
} as const;

/** Every query of administrative regions (GB/T 2260). */
@Injectable()
export class RegionRepository extends SqlRepository {
  list(f: { parentCode?: string; level?: string }): Promise<RegionEntity[]> {
    return this.sql.query<RegionEntity>(
      `SELECT ${REGION} FROM regions r
        WHERE (CAST(:parentCode AS text) IS NULL OR r.parent_code = :parentCode)
          AND (CAST(:level AS text) IS NULL OR r.level = :level)
        ORDER BY r.code`,
      { parentCode: f.parentCode ?? null, level: f.level ?? null },
    );
  }

  find(code: string, db?: Db): Promise<RegionEntity | undefined> {
    return this.sql.one<RegionEntity>(`SELECT ${REGION} FROM regions r WHERE r.code = :code`, { code }, db);
  }

  async insert(tx: Db, r: Omit<RegionEntity, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.sql.query(
      `INSERT INTO regions (code, name, name_en, level, parent_code, rescue_arrival_limit_min)
       VALUES (:code, :name, :nameEn, :level, :parentCode, :rescueArrivalLimitMin)`,
      { ...r },
      tx,
    );
  }

  async update(
    tx: Db,
    code: string,
    fields: { name?: string; nameEn?: string | null; rescueArrivalLimitMin?: number },
  ): Promise<void> {
    await this.sql.updateRow('regions', { column: 'code', value: code }, COLUMNS, fields, tx);
  }
}
