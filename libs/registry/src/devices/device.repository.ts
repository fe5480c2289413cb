import { Injectable } from '@nestjs/common';
import { containsPattern, type Db, SqlRepository } from '@liftwatch/database';
import { type IdFilter, scopeSql } from '../visibility/visibility.repository';
import { type DeviceEntity } from './device.entity';

/** A device as read: never its secret hash. */
export type DeviceRow = Omit<DeviceEntity, 'secretHash'>;

const DEVICE = `d.id, d.serial, d.elevator_id AS "elevatorId", d.firmware, d.created_at AS "createdAt",
  d.secret_rotated_at AS "secretRotatedAt", d.revoked_at AS "revokedAt"`;

/** Every query of devices (retrofit controllers). */
@Injectable()
export class DeviceRepository extends SqlRepository {
  async page(
    visibleElevators: IdFilter | null,
    f: { elevatorId?: string; q?: string; limit: number; offset: number },
  ): Promise<[DeviceRow[], number]> {
    const s = scopeSql('d.elevator_id', visibleElevators);
    const where = `WHERE (CAST(:elevatorId AS uuid) IS NULL OR d.elevator_id = CAST(:elevatorId AS uuid))
        AND (CAST(:search AS text) IS NULL OR d.serial ILIKE :search
             OR d.elevator_id IN (SELECT id FROM elevators WHERE registration_code ILIKE :search))${s.sql}`;
    const params = { ...s.params, elevatorId: f.elevatorId ?? null, search: containsPattern(f.q) };
    return this.sql.page<DeviceRow>(
      { columns: DEVICE, from: `FROM devices d ${where}`, orderBy: 'd.serial', params },
      f.limit,
      f.offset,
    );
  }

  find(id: string, visibleElevators: IdFilter | null = null, db?: Db): Promise<DeviceRow | undefined> {
    const s = scopeSql('d.elevator_id', visibleElevators);
    return this.sql.one<DeviceRow>(
      `SELECT ${DEVICE} FROM devices d WHERE d.id = :id${s.sql}`,
      { id, ...s.params },
      db,
    );
  }

  async elevatorExists(id: string): Promise<boolean> {
    return (await this.sql.one(`SELECT 1 FROM elevators WHERE id = :id`, { id })) !== undefined;
  }

  async serialTaken(serial: string): Promise<boolean> {
    return (await this.sql.one(`SELECT 1 FROM devices WHERE serial = :serial`, { serial })) !== undefined;
  }

  /** Locks and tells whether the elevator has a device that is not revoked. */
  async lockActiveDevice(tx: Db, elevatorId: string): Promise<boolean> {
    const rows = await this.sql.query(
      `SELECT 1 FROM devices WHERE elevator_id = :elevatorId AND revoked_at IS NULL FOR UPDATE`,
      { elevatorId },
      tx,
    );
    return rows.length > 0;
  }

  async insert(
    tx: Db,
    d: { serial: string; elevatorId: string; firmware: string | null; secretHash: string },
  ): Promise<string> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO devices (serial, elevator_id, firmware, secret_hash) VALUES (:serial, :elevatorId, :firmware, :secretHash)
       RETURNING id`,
      { ...d },
      tx,
    );
    if (!row) throw new Error('device not inserted');
    return row.id;
  }

  async setSecret(tx: Db, id: string, secretHash: string): Promise<void> {
    await this.sql.query(
      `UPDATE devices SET secret_hash = :secretHash, secret_rotated_at = now() WHERE id = :id`,
      { id, secretHash },
      tx,
    );
  }

  async revoke(tx: Db, id: string): Promise<void> {
    await this.sql.query(`UPDATE devices SET revoked_at = now() WHERE id = :id`, { id }, tx);
  }
}
