import { Injectable } from '@nestjs/common';
import { containsPattern, type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '../visibility/visibility.repository';
import { type OwnerEntity } from './owner.entity';

const OWNER = `o.id, o.name, o.phone, o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;
const COLUMNS = { name: 'name', phone: 'phone' } as const;

/** Every query of flat owners (业主). */
@Injectable()
export class OwnerRepository extends SqlRepository {
  /**
   * Owners the filter lets through; with `unitId`, those currently holding a flat of the unit; with
   * `q`, those whose name contains it (never the phone: it is masked for most readers).
   */
  async page(
    visible: IdFilter | null | 'none',
    f: { unitId?: string; q?: string; limit: number; offset: number },
  ): Promise<[OwnerEntity[], number]> {
    const s = scopeSql('o.id', visible);
    const where = `WHERE (CAST(:unitId AS uuid) IS NULL OR o.id IN (
        SELECT fo.owner_id FROM flat_ownerships fo JOIN flats f ON f.id = fo.flat_id
         WHERE f.unit_id = CAST(:unitId AS uuid) AND fo.valid_to IS NULL))
        AND (CAST(:search AS text) IS NULL OR o.name ILIKE :search)${s.sql}`;
    const params = { ...s.params, unitId: f.unitId ?? null, search: containsPattern(f.q) };
    return this.sql.page<OwnerEntity>(
      { columns: OWNER, from: `FROM owners o ${where}`, orderBy: 'o.name, o.id', params },
      f.limit,
      f.offset,
    );
  }

  find(id: string, visible: IdFilter | null | 'none' = null, db?: Db): Promise<OwnerEntity | undefined> {
    const s = scopeSql('o.id', visible);
    return this.sql.one<OwnerEntity>(
      `SELECT ${OWNER} FROM owners o WHERE o.id = :id${s.sql}`,
      { id, ...s.params },
      db,
    );
  }

  /** Which of `ids` the filter lets through. */
  async visibleIds(ids: string[], visible: IdFilter | null | 'none'): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const s = scopeSql('o.id', visible);
    const rows = await this.sql.query<{ id: string }>(
      `SELECT o.id FROM owners o WHERE o.id IN (:...ids)${s.sql}`,
      {
        ids,
        ...s.params,
      },
    );
    return new Set(rows.map((r) => r.id));
  }

  async insert(tx: Db, name: string, phone: string | null): Promise<OwnerEntity> {
    const row = await this.sql.one<OwnerEntity>(
      `WITH o AS (INSERT INTO owners (name, phone) VALUES (:name, :phone) RETURNING *) SELECT ${OWNER} FROM o`,
      { name, phone },
      tx,
    );
    if (!row) throw new Error('owner not inserted');
    return row;
  }

  async update(tx: Db, id: string, fields: { name?: string; phone?: string | null }): Promise<void> {
    await this.sql.updateRow('owners', { column: 'id', value: id }, COLUMNS, fields, tx);
  }
}
