import { Injectable } from '@nestjs/common';
import { type EntityManager, type QueryRunner } from 'typeorm';
import { type EventRow, type MeterRow, type StatusRow } from './decode';

/** A device event that was stored for the first time by this batch. */
export interface InsertedEvent {
  elevatorId: string;
  ts: number;
  seq: number;
  code: string;
  state: EventRow['state'];
}

/** What one flush touches for one elevator's live state. */
export interface LiveTouch {
  elevatorId: string;
  deviceId: string;
  /** Newest status sample of this flush, if any. */
  status: StatusRow | null;
  /** Newest meter reading of this flush, if any. */
  meter: MeterRow | null;
  /**
   * Online after this flush: false after a Last Will / offline flag, true after any data or an
   * online flag — whichever the device sent last.
   */
  online: boolean;
  /** Newest receive time of any message from the device, if it sent data (not for a Last Will). */
  lastSeenAt: number | null;
}

export interface LiveStateRow {
  elevator_id: string;
  device_id: string;
  ts: Date | null;
  seq: string | null;
  running: boolean | null;
  direction: number | null;
  floor: number | null;
  door_zone: boolean | null;
  door_closed: boolean | null;
  passenger: boolean | null;
  mode: number | null;
  speed_mps: number | null;
  load_kg: number | null;
  kwh: string | null;
  kwh_ts: Date | null;
  online: boolean;
  online_changed_at: Date | null;
  last_seen_at: Date | null;
  updated_at: Date;
}

// Status fields move only forward in device time: a late or replayed sample never overwrites a
// newer one.
const NEWER = `excluded.ts IS NOT NULL AND (s.ts IS NULL OR excluded.ts > s.ts OR (excluded.ts = s.ts AND excluded.seq > s.seq))`;
const STATUS_FIELDS = [
  'ts',
  'seq',
  'running',
  'direction',
  'floor',
  'door_zone',
  'door_closed',
  'passenger',
  'mode',
  'speed_mps',
  'load_kg',
];

/** The hot-path SQL. Multi-row INSERT … SELECT unnest(…) per table; duplicates skipped by primary key. */
@Injectable()
export class TelemetryWriteRepository {
  /** Creates the daily partitions (business days) that samples between two device times fall into. */
  async ensurePartitionsFor(
    db: EntityManager,
    minTs: number,
    maxTs: number,
    timeZone: string,
  ): Promise<void> {
    await db.query(
      `SELECT ensure_telemetry_partitions(
         (to_timestamp($1 / 1000.0) AT TIME ZONE $3)::date, (to_timestamp($2 / 1000.0) AT TIME ZONE $3)::date)`,
      [minTs, maxTs, timeZone],
    );
  }

  async insertStatus(q: QueryRunner, rows: StatusRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const n = rows.length;
    // One array per column, filled in one pass (the hot path), in the order of the unnest below.
    const cols = {
      elevatorId: new Array<string>(n),
      deviceId: new Array<string>(n),
      ts: new Array<number>(n),
      seq: new Array<number>(n),
      receivedAt: new Array<number>(n),
      running: new Array<boolean>(n),
      direction: new Array<number>(n),
      floor: new Array<number | null>(n),
      doorZone: new Array<boolean | null>(n),
      doorClosed: new Array<boolean | null>(n),
      passenger: new Array<boolean | null>(n),
      mode: new Array<number>(n),
      speedMps: new Array<number | null>(n),
      loadKg: new Array<number | null>(n),
    };
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      cols.elevatorId[i] = row.elevatorId;
      cols.deviceId[i] = row.deviceId;
      cols.ts[i] = row.ts;
      cols.seq[i] = row.seq;
      cols.receivedAt[i] = row.receivedAt;
      cols.running[i] = row.running;
      cols.direction[i] = row.direction;
      cols.floor[i] = row.floor;
      cols.doorZone[i] = row.doorZone;
      cols.doorClosed[i] = row.doorClosed;
      cols.passenger[i] = row.passenger;
      cols.mode[i] = row.mode;
      cols.speedMps[i] = row.speedMps;
      cols.loadKg[i] = row.loadKg;
    }
    const result = (await q.query(
      `INSERT INTO telemetry_status (elevator_id, device_id, ts, seq, received_at, running, direction, floor,
                                     door_zone, door_closed, passenger, mode, speed_mps, load_kg)
       SELECT e, d, to_timestamp(t / 1000.0), s, to_timestamp(r / 1000.0), ru, di, f, dz, dc, p, m, sp, l
         FROM unnest($1::uuid[], $2::uuid[], $3::float8[], $4::int8[], $5::float8[], $6::bool[], $7::int2[],
                     $8::int2[], $9::bool[], $10::bool[], $11::bool[], $12::int2[], $13::float4[], $14::int2[])
              AS x(e, d, t, s, r, ru, di, f, dz, dc, p, m, sp, l)
       ON CONFLICT DO NOTHING`,
      [
        cols.elevatorId,
        cols.deviceId,
        cols.ts,
        cols.seq,
        cols.receivedAt,
        cols.running,
        cols.direction,
        cols.floor,
        cols.doorZone,
        cols.doorClosed,
        cols.passenger,
        cols.mode,
        cols.speedMps,
        cols.loadKg,
      ],
      true,
    )) as { affected?: number };
    return result.affected ?? 0;
  }

  /** Inserts events; returns the ones that were new (a redelivered event is not returned). */
  async insertEvents(q: QueryRunner, rows: EventRow[]): Promise<InsertedEvent[]> {
    if (rows.length === 0) return [];
    const result = (await q.query(
      `INSERT INTO device_events (elevator_id, device_id, ts, seq, received_at, code, state, detail)
       SELECT e, d, to_timestamp(t / 1000.0), s, to_timestamp(r / 1000.0), c, st, de::jsonb
         FROM unnest($1::uuid[], $2::uuid[], $3::float8[], $4::int8[], $5::float8[], $6::text[], $7::text[], $8::text[])
              AS x(e, d, t, s, r, c, st, de)
       ON CONFLICT DO NOTHING
       RETURNING elevator_id, (extract(epoch FROM ts) * 1000)::float8 AS ts, seq, code, state`,
      [
        rows.map((r) => r.elevatorId),
        rows.map((r) => r.deviceId),
        rows.map((r) => r.ts),
        rows.map((r) => r.seq),
        rows.map((r) => r.receivedAt),
        rows.map((r) => r.code),
        rows.map((r) => r.state),
        rows.map((r) => (r.detail ? JSON.stringify(r.detail) : null)),
      ],
    )) as Array<{ elevator_id: string; ts: number; seq: string; code: string; state: EventRow['state'] }>;
    return result.map((r) => ({
      elevatorId: r.elevator_id,
      ts: Number(r.ts),
      seq: Number(r.seq),
      code: r.code,
      state: r.state,
    }));
  }

  async insertMeters(q: QueryRunner, rows: MeterRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = (await q.query(
      `INSERT INTO meter_readings (elevator_id, device_id, ts, seq, received_at, meter_id, kwh)
       SELECT e, d, to_timestamp(t / 1000.0), s, to_timestamp(r / 1000.0), m, k
         FROM unnest($1::uuid[], $2::uuid[], $3::float8[], $4::int8[], $5::float8[], $6::text[], $7::numeric[])
              AS x(e, d, t, s, r, m, k)
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.elevatorId),
        rows.map((r) => r.deviceId),
        rows.map((r) => r.ts),
        rows.map((r) => r.seq),
        rows.map((r) => r.receivedAt),
        rows.map((r) => r.meterId),
        rows.map((r) => r.kwh),
      ],
      true,
    )) as { affected?: number };
    return result.affected ?? 0;
  }

  /** Marks the (elevator, hour) buckets whose rollups must be recomputed. */
  async markDirty(q: QueryRunner, buckets: Array<{ elevatorId: string; hourMs: number }>): Promise<void> {
    if (buckets.length === 0) return;
    await q.query(
      `INSERT INTO rollup_dirty (elevator_id, bucket)
       SELECT e, to_timestamp(h / 1000.0) FROM unnest($1::uuid[], $2::float8[]) AS x(e, h)
       ON CONFLICT DO NOTHING`,
      [buckets.map((b) => b.elevatorId), buckets.map((b) => b.hourMs)],
    );
  }

  /** Upserts the live state of the touched elevators (sorted, so concurrent flushes lock in one order). */
  async upsertLiveState(q: QueryRunner, touches: LiveTouch[]): Promise<LiveStateRow[]> {
    if (touches.length === 0) return [];
    const t = [...touches].sort((a, b) => (a.elevatorId < b.elevatorId ? -1 : 1));
    const keep = (field: string): string =>
      `${field} = CASE WHEN ${NEWER} THEN excluded.${field} ELSE s.${field} END`;
    const result = (await q.query(
      `INSERT INTO elevator_live_state AS s (elevator_id, device_id, ts, seq, running, direction, floor, door_zone,
                                              door_closed, passenger, mode, speed_mps, load_kg, kwh, kwh_ts,
                                              online, online_changed_at, last_seen_at, updated_at)
       SELECT e, d, to_timestamp(t / 1000.0), sq, ru, di, f, dz, dc, p, m, sp, l, k, to_timestamp(kt / 1000.0),
              o, now(), to_timestamp(ls / 1000.0), now()
         FROM unnest($1::uuid[], $2::uuid[], $3::float8[], $4::int8[], $5::bool[], $6::int2[], $7::int2[], $8::bool[],
                     $9::bool[], $10::bool[], $11::int2[], $12::float4[], $13::int2[], $14::numeric[], $15::float8[],
                     $16::bool[], $17::float8[])
              AS x(e, d, t, sq, ru, di, f, dz, dc, p, m, sp, l, k, kt, o, ls)
       ON CONFLICT (elevator_id) DO UPDATE SET
         device_id = excluded.device_id,
         ${STATUS_FIELDS.filter((f) => f !== 'ts' && f !== 'seq')
           .map(keep)
           .join(',\n         ')},
         seq = CASE WHEN ${NEWER} THEN excluded.seq ELSE s.seq END,
         ts = CASE WHEN ${NEWER} THEN excluded.ts ELSE s.ts END,
         kwh = CASE WHEN excluded.kwh_ts IS NOT NULL AND (s.kwh_ts IS NULL OR excluded.kwh_ts > s.kwh_ts)
                    THEN excluded.kwh ELSE s.kwh END,
         kwh_ts = greatest(s.kwh_ts, excluded.kwh_ts),
         online = excluded.online,
         online_changed_at = CASE WHEN excluded.online IS DISTINCT FROM s.online THEN now() ELSE s.online_changed_at END,
         last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
         updated_at = now()
       RETURNING s.*`,
      [
        t.map((x) => x.elevatorId),
        t.map((x) => x.deviceId),
        t.map((x) => x.status?.ts ?? null),
        t.map((x) => x.status?.seq ?? null),
        t.map((x) => x.status?.running ?? null),
        t.map((x) => x.status?.direction ?? null),
        t.map((x) => x.status?.floor ?? null),
        t.map((x) => x.status?.doorZone ?? null),
        t.map((x) => x.status?.doorClosed ?? null),
        t.map((x) => x.status?.passenger ?? null),
        t.map((x) => x.status?.mode ?? null),
        t.map((x) => x.status?.speedMps ?? null),
        t.map((x) => x.status?.loadKg ?? null),
        t.map((x) => x.meter?.kwh ?? null),
        t.map((x) => x.meter?.ts ?? null),
        t.map((x) => x.online),
        t.map((x) => x.lastSeenAt),
      ],
    )) as LiveStateRow[];
    return result;
  }
}
