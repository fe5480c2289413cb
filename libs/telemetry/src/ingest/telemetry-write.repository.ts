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

/** `$n::type[]` for consecutive parameters from `first`. */
function arrays(first: number, types: readonly string[]): string {
  return types.map((t, i) => `$${first + i}::${t}[]`).join(', ');
}

// The parameter types of each table's unnest, in column order (one line each: easier to check).
// prettier-ignore
const STATUS_TYPES = ['uuid', 'uuid', 'float8', 'int8', 'float8', 'bool', 'int2', 'int2', 'bool', 'bool', 'bool', 'int2', 'float4', 'int2'];
const EVENT_TYPES = ['uuid', 'uuid', 'float8', 'int8', 'float8', 'text', 'text', 'text'];
const METER_TYPES = ['uuid', 'uuid', 'float8', 'int8', 'float8', 'text', 'numeric'];
const DIRTY_TYPES = ['uuid', 'float8'];
// prettier-ignore
const LIVE_TYPES = ['uuid', 'uuid', 'float8', 'int8', 'bool', 'int2', 'int2', 'bool', 'bool', 'bool', 'int2', 'float4', 'int2', 'numeric', 'float8', 'bool', 'float8'];

const statusSql = (p: number): string =>
  `INSERT INTO telemetry_status (elevator_id, device_id, ts, seq, received_at, running, direction, floor,
                                 door_zone, door_closed, passenger, mode, speed_mps, load_kg)
   SELECT e, d, to_timestamp(t / 1000.0), s, to_timestamp(r / 1000.0), ru, di, f, dz, dc, p, m, sp, l
     FROM unnest(${arrays(p, STATUS_TYPES)}) AS x(e, d, t, s, r, ru, di, f, dz, dc, p, m, sp, l)
   ON CONFLICT DO NOTHING`;

const eventsSql = (p: number): string =>
  `INSERT INTO device_events (elevator_id, device_id, ts, seq, received_at, code, state, detail)
   SELECT e, d, to_timestamp(t / 1000.0), s, to_timestamp(r / 1000.0), c, st, de::jsonb
     FROM unnest(${arrays(p, EVENT_TYPES)}) AS x(e, d, t, s, r, c, st, de)
   ON CONFLICT DO NOTHING
   RETURNING elevator_id, (extract(epoch FROM ts) * 1000)::float8 AS ts, seq, code, state`;

const metersSql = (p: number): string =>
  `INSERT INTO meter_readings (elevator_id, device_id, ts, seq, received_at, meter_id, kwh)
   SELECT e, d, to_timestamp(t / 1000.0), s, to_timestamp(r / 1000.0), m, k
     FROM unnest(${arrays(p, METER_TYPES)}) AS x(e, d, t, s, r, m, k)
   ON CONFLICT DO NOTHING`;

const dirtySql = (p: number): string =>
  `INSERT INTO rollup_dirty (elevator_id, bucket)
   SELECT e, to_timestamp(h / 1000.0) FROM unnest(${arrays(p, DIRTY_TYPES)}) AS x(e, h)
   ON CONFLICT DO NOTHING`;

const liveSql = (p: number): string => {
  const keep = (field: string): string =>
    `${field} = CASE WHEN ${NEWER} THEN excluded.${field} ELSE s.${field} END`;
  return `INSERT INTO elevator_live_state AS s (elevator_id, device_id, ts, seq, running, direction, floor, door_zone,
                                          door_closed, passenger, mode, speed_mps, load_kg, kwh, kwh_ts,
                                          online, online_changed_at, last_seen_at, updated_at)
   SELECT e, d, to_timestamp(t / 1000.0), sq, ru, di, f, dz, dc, p, m, sp, l, k, to_timestamp(kt / 1000.0),
          o, now(), to_timestamp(ls / 1000.0), now()
     FROM unnest(${arrays(p, LIVE_TYPES)}) AS x(e, d, t, sq, ru, di, f, dz, dc, p, m, sp, l, k, kt, o, ls)
   ON CONFLICT (elevator_id) DO UPDATE SET
     device_id = excluded.device_id,
     ${STATUS_FIELDS.filter((f) => f !== 'ts' && f !== 'seq')
       .map(keep)
       .join(',\n     ')},
     seq = CASE WHEN ${NEWER} THEN excluded.seq ELSE s.seq END,
     ts = CASE WHEN ${NEWER} THEN excluded.ts ELSE s.ts END,
     kwh = CASE WHEN excluded.kwh_ts IS NOT NULL AND (s.kwh_ts IS NULL OR excluded.kwh_ts > s.kwh_ts)
                THEN excluded.kwh ELSE s.kwh END,
     kwh_ts = greatest(s.kwh_ts, excluded.kwh_ts),
     online = excluded.online,
     online_changed_at = CASE WHEN excluded.online IS DISTINCT FROM s.online THEN now() ELSE s.online_changed_at END,
     last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
     updated_at = now()`;
};

/** The live-state columns as the write returns them (times in epoch milliseconds, one JSON row each). */
const LIVE_JSON = `json_build_array(elevator_id, device_id, extract(epoch FROM ts) * 1000, seq, running, direction,
  floor, door_zone, door_closed, passenger, mode, speed_mps, load_kg, kwh, extract(epoch FROM kwh_ts) * 1000, online,
  extract(epoch FROM online_changed_at) * 1000, extract(epoch FROM last_seen_at) * 1000, extract(epoch FROM updated_at) * 1000)`;

type LiveTuple = [
  string,
  string,
  number | null,
  string | number | null,
  boolean | null,
  number | null,
  number | null,
  boolean | null,
  boolean | null,
  boolean | null,
  number | null,
  number | null,
  number | null,
  string | number | null,
  number | null,
  boolean,
  number | null,
  number | null,
  number,
];

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(Math.round(ms)));

function liveRowOf(t: LiveTuple): LiveStateRow {
  return {
    elevator_id: t[0],
    device_id: t[1],
    ts: date(t[2]),
    seq: t[3] === null ? null : String(t[3]),
    running: t[4],
    direction: t[5],
    floor: t[6],
    door_zone: t[7],
    door_closed: t[8],
    passenger: t[9],
    mode: t[10],
    speed_mps: t[11],
    load_kg: t[12],
    kwh: t[13] === null ? null : String(t[13]),
    kwh_ts: date(t[14]),
    online: t[15],
    online_changed_at: date(t[16]),
    last_seen_at: date(t[17]),
    updated_at: new Date(Math.round(t[18])),
  };
}

/** The part of node-postgres' client the batch write uses. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** The rows of one batch, as one statement writes them. */
export interface BatchWrite {
  status: readonly StatusRow[];
  events: readonly EventRow[];
  meters: readonly MeterRow[];
  touches: readonly LiveTouch[];
  dirty: ReadonlyArray<{ elevatorId: string; hourMs: number }>;
}

export interface BatchWritten {
  status: number;
  meters: number;
  newEvents: InsertedEvent[];
  live: LiveStateRow[];
}

/**
 * PostgreSQL array literals for the hot path's columns, built directly: node-postgres' generic
 * array serialisation quotes and escapes every element (5 % of the platform's CPU in a profile).
 * Only for values that need no quoting: numbers, booleans, UUIDs.
 */
function literal(values: ArrayLike<string | number | boolean | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : v === true ? 't' : v === false ? 'f' : String(v);
  }
  return `${out}}`;
}

function statusParams(rows: readonly StatusRow[]): unknown[] {
  const n = rows.length;
  // One array per column, filled in one pass (the hot path), in the order of the unnest.
  const cols = STATUS_TYPES.map(() => new Array<string | number | boolean | null>(n));
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    cols[0][i] = r.elevatorId;
    cols[1][i] = r.deviceId;
    cols[2][i] = r.ts;
    cols[3][i] = r.seq;
    cols[4][i] = r.receivedAt;
    cols[5][i] = r.running;
    cols[6][i] = r.direction;
    cols[7][i] = r.floor;
    cols[8][i] = r.doorZone;
    cols[9][i] = r.doorClosed;
    cols[10][i] = r.passenger;
    cols[11][i] = r.mode;
    cols[12][i] = r.speedMps;
    cols[13][i] = r.loadKg;
  }
  return cols.map(literal);
}

function eventParams(rows: readonly EventRow[]): unknown[] {
  return [
    rows.map((r) => r.elevatorId),
    rows.map((r) => r.deviceId),
    rows.map((r) => r.ts),
    rows.map((r) => r.seq),
    rows.map((r) => r.receivedAt),
    rows.map((r) => r.code),
    rows.map((r) => r.state),
    rows.map((r) => (r.detail ? JSON.stringify(r.detail) : null)),
  ];
}

function meterParams(rows: readonly MeterRow[]): unknown[] {
  return [
    rows.map((r) => r.elevatorId),
    rows.map((r) => r.deviceId),
    rows.map((r) => r.ts),
    rows.map((r) => r.seq),
    rows.map((r) => r.receivedAt),
    rows.map((r) => r.meterId),
    rows.map((r) => r.kwh),
  ];
}

function dirtyParams(buckets: ReadonlyArray<{ elevatorId: string; hourMs: number }>): unknown[] {
  return [literal(buckets.map((b) => b.elevatorId)), literal(buckets.map((b) => b.hourMs))];
}

/** Sorted by elevator, so concurrent writers lock live-state rows in one order. */
function liveParams(touches: readonly LiveTouch[]): unknown[] {
  const t = [...touches].sort((a, b) => (a.elevatorId < b.elevatorId ? -1 : 1));
  const kwh = t.map((x) => x.meter?.kwh ?? null);
  return [
    literal(t.map((x) => x.elevatorId)),
    literal(t.map((x) => x.deviceId)),
    literal(t.map((x) => x.status?.ts ?? null)),
    literal(t.map((x) => x.status?.seq ?? null)),
    literal(t.map((x) => x.status?.running ?? null)),
    literal(t.map((x) => x.status?.direction ?? null)),
    literal(t.map((x) => x.status?.floor ?? null)),
    literal(t.map((x) => x.status?.doorZone ?? null)),
    literal(t.map((x) => x.status?.doorClosed ?? null)),
    literal(t.map((x) => x.status?.passenger ?? null)),
    literal(t.map((x) => x.status?.mode ?? null)),
    literal(t.map((x) => x.status?.speedMps ?? null)),
    literal(t.map((x) => x.status?.loadKg ?? null)),
    kwh, // numeric values come as the device sent them: left to the driver
    literal(t.map((x) => x.meter?.ts ?? null)),
    literal(t.map((x) => x.online)),
    literal(t.map((x) => x.lastSeenAt)),
  ];
}

const P_EVENTS = 1 + STATUS_TYPES.length;
const P_METERS = P_EVENTS + EVENT_TYPES.length;
const P_DIRTY = P_METERS + METER_TYPES.length;
const P_LIVE = P_DIRTY + DIRTY_TYPES.length;

/**
 * A whole batch in one statement (one round trip): the three telemetry tables, the rollup
 * marks and the live state, as data-modifying CTEs; it answers with the counts, the events
 * stored for the first time and the live states after the batch.
 */
const BATCH_SQL = `WITH st AS (${statusSql(1)} RETURNING 1),
  ev AS (${eventsSql(P_EVENTS)}),
  me AS (${metersSql(P_METERS)} RETURNING 1),
  dy AS (${dirtySql(P_DIRTY)}),
  lv AS (${liveSql(P_LIVE)} RETURNING ${LIVE_JSON} AS j)
SELECT (SELECT count(*) FROM st)::int AS st, (SELECT count(*) FROM me)::int AS me,
       (SELECT coalesce(json_agg(json_build_array(elevator_id, ts, seq, code, state)), '[]') FROM ev)::text AS ev,
       (SELECT coalesce(json_agg(j), '[]') FROM lv)::text AS lv`;

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

  /** Writes a whole batch in one statement (see BATCH_SQL). */
  async writeBatch(q: QueryRunner, b: BatchWrite): Promise<BatchWritten> {
    const params = [
      ...statusParams(b.status),
      ...eventParams(b.events),
      ...meterParams(b.meters),
      ...dirtyParams(b.dirty),
      ...liveParams(b.touches),
    ];
    // A named statement on the ingest connection: parsed and planned once per connection.
    const pg = (q as { databaseConnection?: PgClient }).databaseConnection;
    const [row] = (
      pg && typeof pg.query === 'function'
        ? (await pg.query({ name: 'liftwatch_ingest_batch', text: BATCH_SQL, values: params })).rows
        : await q.query(BATCH_SQL, params)
    ) as Array<{ st: number; me: number; ev: string; lv: string }>;
    if (!row) throw new Error('batch write answered no row');
    const events = JSON.parse(row.ev) as Array<[string, number, string | number, string, EventRow['state']]>;
    return {
      status: row.st,
      meters: row.me,
      newEvents: events.map(([elevatorId, ts, seq, code, state]) => ({
        elevatorId,
        ts: Number(ts),
        seq: Number(seq),
        code,
        state,
      })),
      live: (JSON.parse(row.lv) as LiveTuple[]).map(liveRowOf),
    };
  }

  async insertStatus(q: QueryRunner, rows: StatusRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = (await q.query(statusSql(1), statusParams(rows), true)) as { affected?: number };
    return result.affected ?? 0;
  }

  /** Inserts events; returns the ones that were new (a redelivered event is not returned). */
  async insertEvents(q: QueryRunner, rows: EventRow[]): Promise<InsertedEvent[]> {
    if (rows.length === 0) return [];
    const result = (await q.query(eventsSql(1), eventParams(rows))) as Array<{
      elevator_id: string;
      ts: number;
      seq: string;
      code: string;
      state: EventRow['state'];
    }>;
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
    const result = (await q.query(metersSql(1), meterParams(rows), true)) as { affected?: number };
    return result.affected ?? 0;
  }

  /** Marks the (elevator, hour) buckets whose rollups must be recomputed. */
  async markDirty(q: QueryRunner, buckets: Array<{ elevatorId: string; hourMs: number }>): Promise<void> {
    if (buckets.length === 0) return;
    await q.query(dirtySql(1), dirtyParams(buckets));
  }

  /** Upserts the live state of the touched elevators (sorted, so concurrent flushes lock in one order). */
  async upsertLiveState(q: QueryRunner, touches: LiveTouch[]): Promise<LiveStateRow[]> {
    if (touches.length === 0) return [];
    return (await q.query(`${liveSql(1)} RETURNING s.*`, liveParams(touches))) as LiveStateRow[];
  }
}
