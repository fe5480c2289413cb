import { Injectable } from '@nestjs/common';
import { SqlRepository } from '@liftwatch/database';
import { type LiveStateRow } from '../ingest/telemetry-write.repository';
import { type EventView, type RollupRow, type SampleRow } from './dto/telemetry-view.dto';

/** Time-series reads: live state, rollups, raw samples, events. */
@Injectable()
export class TelemetryReadRepository extends SqlRepository {
  async liveStates(elevatorIds: string[]): Promise<LiveStateRow[]> {
    if (elevatorIds.length === 0) return [];
    return this.sql.query<LiveStateRow>(
      `SELECT * FROM elevator_live_state WHERE elevator_id = ANY(CAST(:elevatorIds AS uuid[]))`,
      { elevatorIds },
    );
  }

  async hourly(elevatorId: string, from: Date, to: Date): Promise<RollupRow[]> {
    const rows = await this.sql.query<Record<string, string | number | Date>>(
      `SELECT bucket, trips, running_seconds, door_cycles, kwh, fault_count, samples FROM elevator_rollup_hourly
        WHERE elevator_id = :elevatorId AND bucket >= :from AND bucket < :to ORDER BY bucket`,
      { elevatorId, from, to },
    );
    return rows.map((r) => toRollup((r.bucket as Date).toISOString(), r));
  }

  /** Daily rollups between two business dates (inclusive from, exclusive to). */
  async daily(elevatorId: string, fromDay: string, toDay: string): Promise<RollupRow[]> {
    const rows = await this.sql.query<Record<string, string | number>>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, trips, running_seconds, door_cycles, kwh, fault_count, samples
         FROM elevator_rollup_daily
        WHERE elevator_id = :elevatorId AND day >= CAST(:fromDay AS date) AND day < CAST(:toDay AS date)
        ORDER BY day`,
      { elevatorId, fromDay, toDay },
    );
    return rows.map((r) => toRollup(String(r.day), r));
  }

  async samples(
    elevatorId: string,
    from: Date,
    to: Date,
    limit: number,
    offset: number,
  ): Promise<{ rows: SampleRow[]; total: number }> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT ts, seq, running, direction, floor, door_zone, door_closed, passenger, mode, speed_mps, load_kg,
              count(*) OVER () AS total
         FROM telemetry_status WHERE elevator_id = :elevatorId AND ts >= :from AND ts < :to
        ORDER BY ts, seq LIMIT :limit OFFSET :offset`,
      { elevatorId, from, to, limit, offset },
    );
    const total = Number(rows[0]?.total ?? 0);
    return {
      total,
      rows: rows.map((r) => ({
        ts: (r.ts as Date).toISOString(),
        seq: Number(r.seq),
        running: r.running as boolean,
        direction: r.direction as number,
        floor: r.floor as number | null,
        doorZone: r.door_zone as boolean | null,
        doorClosed: r.door_closed as boolean | null,
        passenger: r.passenger as boolean | null,
        mode: r.mode as number,
        speedMps: r.speed_mps as number | null,
        loadKg: r.load_kg as number | null,
      })),
    };
  }

  /** Events in the range, newest first (what a dashboard shows as "recent events"). */
  async events(
    elevatorId: string,
    from: Date,
    to: Date,
    limit: number,
    offset: number,
  ): Promise<{ rows: Array<Omit<EventView, 'nameZh' | 'nameEn' | 'kind'>>; total: number }> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT ts, seq, code, state, detail, count(*) OVER () AS total FROM device_events
        WHERE elevator_id = :elevatorId AND ts >= :from AND ts < :to
        ORDER BY ts DESC, seq DESC LIMIT :limit OFFSET :offset`,
      { elevatorId, from, to, limit, offset },
    );
    return {
      total: Number(rows[0]?.total ?? 0),
      rows: rows.map((r) => ({
        ts: (r.ts as Date).toISOString(),
        seq: Number(r.seq),
        code: r.code as string,
        state: r.state as string,
        detail: (r.detail as Record<string, unknown> | null) ?? null,
      })),
    };
  }
}

function toRollup(bucket: string, r: Record<string, unknown>): RollupRow {
  return {
    bucket,
    trips: Number(r.trips),
    runningSeconds: Number(r.running_seconds),
    doorCycles: Number(r.door_cycles),
    kwh: Number(r.kwh),
    faultCount: Number(r.fault_count),
    samples: Number(r.samples),
  };
}
