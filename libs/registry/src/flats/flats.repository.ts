import { Injectable } from '@nestjs/common';
import { type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '../visibility/visibility.repository';
import { type OwnershipView } from './dto/flat.dto';
import { type FlatEntity } from './flat.entity';

const FLAT = `f.id, f.unit_id AS "unitId", f.number, f.floor, f.area_m2::float8 AS "areaM2",
  f.created_at AS "createdAt", f.updated_at AS "updatedAt"`;
const COLUMNS = { unitId: 'unit_id', number: 'number', floor: 'floor', areaM2: 'area_m2' } as const;

export type FlatFields = { -readonly [K in keyof typeof COLUMNS]?: FlatEntity[K] };

/** Every query of flats (房屋) and their ownership periods. */
@Injectable()
export class FlatsRepository extends SqlRepository {
  async page(
    visibleUnits: IdFilter | null | 'none',
    f: { unitId?: string; limit: number; offset: number },
  ): Promise<[FlatEntity[], number]> {
    const s = scopeSql('f.unit_id', visibleUnits);
    const where = `WHERE (CAST(:unitId AS uuid) IS NULL OR f.unit_id = CAST(:unitId AS uuid))${s.sql}`;
    const params = { ...s.params, unitId: f.unitId ?? null };
    return this.sql.page<FlatEntity>(
      { columns: FLAT, from: `FROM flats f ${where}`, orderBy: 'f.floor, f.number', params },
      f.limit,
      f.offset,
    );
  }

  find(id: string, visibleUnits: IdFilter | null | 'none' = null, db?: Db): Promise<FlatEntity | undefined> {
    const s = scopeSql('f.unit_id', visibleUnits);
    return this.sql.one<FlatEntity>(
      `SELECT ${FLAT} FROM flats f WHERE f.id = :id${s.sql}`,
      { id, ...s.params },
      db,
    );
  }

  async unitFloorCount(unitId: string): Promise<number | null> {
    return (
      (await this.sql.one<{ n: number }>(`SELECT floor_count AS n FROM units WHERE id = :unitId`, { unitId }))
        ?.n ?? null
    );
  }

  async insert(tx: Db, fields: FlatFields): Promise<string> {
    return this.sql.insertRow('flats', COLUMNS, fields, tx);
  }

  async update(tx: Db, id: string, fields: FlatFields): Promise<void> {
    await this.sql.updateRow('flats', { column: 'id', value: id }, COLUMNS, fields, tx);
  }

  async delete(tx: Db, id: string): Promise<void> {
    await this.sql.query(`DELETE FROM flats WHERE id = :id`, { id }, tx);
  }

  async ownershipHistory(flatId: string): Promise<OwnershipView[]> {
    return this.sql.query<OwnershipView>(
      `SELECT fo.id, fo.flat_id AS "flatId", fo.owner_id AS "ownerId", o.name AS "ownerName",
              fo.share_percent::float8 AS "sharePercent",
              to_char(fo.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(fo.valid_to, 'YYYY-MM-DD') AS "validTo"
         FROM flat_ownerships fo JOIN owners o ON o.id = fo.owner_id
        WHERE fo.flat_id = :flatId
        ORDER BY fo.valid_from DESC, o.name`,
      { flatId },
    );
  }

  /** Locks the flat row so concurrent transfers of the same flat serialise. */
  async lockFlat(tx: Db, flatId: string): Promise<void> {
    await this.sql.query(`SELECT 1 FROM flats WHERE id = :flatId FOR UPDATE`, { flatId }, tx);
  }

  /** Current ownership rows (valid_to IS NULL) of a flat. */
  currentOwnerships(tx: Db, flatId: string): Promise<Array<{ id: string; validFrom: string }>> {
    return this.sql.query(
      `SELECT id, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom" FROM flat_ownerships
        WHERE flat_id = :flatId AND valid_to IS NULL`,
      { flatId },
      tx,
    );
  }

  async closeOwnerships(tx: Db, flatId: string, validTo: string): Promise<void> {
    await this.sql.query(
      `UPDATE flat_ownerships SET valid_to = :validTo WHERE flat_id = :flatId AND valid_to IS NULL`,
      { flatId, validTo },
      tx,
    );
  }

  async addOwnership(
    tx: Db,
    o: { flatId: string; ownerId: string; sharePercent: number; validFrom: string },
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO flat_ownerships (flat_id, owner_id, share_percent, valid_from)
       VALUES (:flatId, :ownerId, :sharePercent, :validFrom)`,
      { ...o },
      tx,
    );
  }

  async hasOwnerships(flatId: string): Promise<boolean> {
    return (
      (await this.sql.one(`SELECT 1 FROM flat_ownerships WHERE flat_id = :flatId LIMIT 1`, { flatId })) !==
      undefined
    );
  }
}
