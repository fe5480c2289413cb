import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type OwnershipView } from './dto/flat.dto';

@Injectable()
export class FlatsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async ownershipHistory(flatId: string): Promise<OwnershipView[]> {
    const rows: Array<{
      id: string;
      flat_id: string;
      owner_id: string;
      owner_name: string;
      share_percent: string;
      valid_from: string;
      valid_to: string | null;
    }> = await this.ds.query(
      `SELECT fo.id, fo.flat_id, fo.owner_id, o.name AS owner_name, fo.share_percent,
              to_char(fo.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(fo.valid_to, 'YYYY-MM-DD') AS valid_to
         FROM flat_ownerships fo JOIN owners o ON o.id = fo.owner_id
        WHERE fo.flat_id = $1
        ORDER BY fo.valid_from DESC, o.name`,
      [flatId],
    );
    return rows.map((r) => ({
      id: r.id,
      flatId: r.flat_id,
      ownerId: r.owner_id,
      ownerName: r.owner_name,
      sharePercent: Number(r.share_percent),
      validFrom: r.valid_from,
      validTo: r.valid_to,
    }));
  }

  /** Locks the flat row so concurrent transfers of the same flat serialise. */
  async lockFlat(em: EntityManager, flatId: string): Promise<void> {
    await em.query('SELECT 1 FROM flats WHERE id = $1 FOR UPDATE', [flatId]);
  }

  /** Current ownership rows (valid_to IS NULL) of a flat. */
  async currentOwnerships(
    em: EntityManager,
    flatId: string,
  ): Promise<Array<{ id: string; validFrom: string }>> {
    const rows: Array<{ id: string; valid_from: string }> = await em.query(
      `SELECT id, to_char(valid_from, 'YYYY-MM-DD') AS valid_from FROM flat_ownerships
        WHERE flat_id = $1 AND valid_to IS NULL`,
      [flatId],
    );
    return rows.map((r) => ({ id: r.id, validFrom: r.valid_from }));
  }

  async closeOwnerships(em: EntityManager, flatId: string, validTo: string): Promise<void> {
    await em.query(`UPDATE flat_ownerships SET valid_to = $2 WHERE flat_id = $1 AND valid_to IS NULL`, [
      flatId,
      validTo,
    ]);
  }

  async ownersExist(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await this.ds.query(
      'SELECT id FROM owners WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  async hasOwnerships(flatId: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query('SELECT 1 FROM flat_ownerships WHERE flat_id = $1 LIMIT 1', [
      flatId,
    ]);
    return rows.length > 0;
  }
}
