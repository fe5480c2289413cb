import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Sql } from '@liftwatch/database';

export interface DeviceEntry {
  deviceId: string;
  serial: string;
  elevatorId: string;
  secretHash: string;
}

const RELOAD_MS = 30_000;
const NEGATIVE_TTL_MS = 10_000;

/**
 * Active devices by serial, held in memory: 10 000 devices reconnecting at once must not cost
 * 10 000 queries. Reloaded every 30 s, so a revoked device or a rotated secret takes effect within
 * that time (at once for new serials, which are looked up on a miss).
 */
@Injectable()
export class DeviceDirectory implements OnModuleDestroy {
  private bySerial = new Map<string, DeviceEntry>();
  private readonly unknownUntil = new Map<string, number>();
  private loaded: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly sql: Sql) {}

  /** Loads the directory and keeps it fresh. Idempotent. */
  start(): Promise<void> {
    if (!this.loaded) {
      this.loaded = this.reload();
      this.timer = setInterval(() => void this.reload().catch(() => undefined), RELOAD_MS);
      this.timer.unref();
    }
    return this.loaded;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async reload(): Promise<void> {
    const rows = await this.sql.query<{
      id: string;
      serial: string;
      elevator_id: string;
      secret_hash: string;
    }>(`SELECT id, serial, elevator_id, secret_hash FROM devices WHERE revoked_at IS NULL`);
    const next = new Map<string, DeviceEntry>();
    for (const r of rows) {
      next.set(r.serial, {
        deviceId: r.id,
        serial: r.serial,
        elevatorId: r.elevator_id,
        secretHash: r.secret_hash,
      });
    }
    this.bySerial = next;
    this.unknownUntil.clear();
  }

  /** The cached entry, without I/O (hot path). */
  peek(serial: string): DeviceEntry | undefined {
    return this.bySerial.get(serial);
  }

  /** The entry, asking the database on a miss (a device provisioned since the last reload). */
  async lookup(serial: string): Promise<DeviceEntry | undefined> {
    const hit = this.bySerial.get(serial);
    if (hit) return hit;
    const until = this.unknownUntil.get(serial);
    if (until !== undefined && until > Date.now()) return undefined;
    const row = await this.sql.one<{ id: string; elevator_id: string; secret_hash: string }>(
      `SELECT id, elevator_id, secret_hash FROM devices WHERE serial = :serial AND revoked_at IS NULL`,
      { serial },
    );
    if (!row) {
      if (this.unknownUntil.size > 100_000) this.unknownUntil.clear();
      this.unknownUntil.set(serial, Date.now() + NEGATIVE_TTL_MS);
      return undefined;
    }
    const entry = { deviceId: row.id, serial, elevatorId: row.elevator_id, secretHash: row.secret_hash };
    this.bySerial.set(serial, entry);
    return entry;
  }
}
