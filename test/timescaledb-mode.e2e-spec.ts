import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { MIGRATIONS, Sql } from '@liftwatch/database';
import { FAULT_CODES } from '../libs/telemetry/src/protocol/event-codes';
import { type StatusRow } from '../libs/telemetry/src/ingest/decode';
import { TelemetryWriteRepository } from '../libs/telemetry/src/ingest/telemetry-write.repository';
import { RollupRepository } from '../libs/telemetry/src/rollups/rollup.repository';

/**
 * The TimescaleDB branch of the migrations and the time-series SQL, run on a real TimescaleDB
 * (2.23-dev compiled to WASM in PGlite; no TimescaleDB server can be installed on the development
 * machine or CI). PGlite is used only here, to check that the SQL is valid and behaves: it is
 * never a runtime dependency.
 */
interface Reply {
  id?: number;
  ready?: boolean;
  rows?: Array<Record<string, unknown>>;
  affected?: number;
  error?: string;
}

/** PGlite + TimescaleDB in a child process (see pglite-timescaledb.mjs), queried over IPC. */
class PGliteProcess {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly pending = new Map<number, (r: Reply) => void>();
  readonly ready: Promise<void>;

  constructor() {
    this.child = fork(join(__dirname, 'support/pglite-timescaledb.mjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve) => {
      this.child.on('message', (m: Reply) => {
        if (m.ready) return resolve();
        if (m.id !== undefined) this.pending.get(m.id)?.(m);
      });
    });
  }

  query(sql: string, params?: unknown[]): Promise<Reply> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (r) => {
        this.pending.delete(id);
        if (r.error) reject(new Error(r.error));
        else resolve(r);
      });
      this.child.send({ id, sql, params });
    });
  }

  close(): void {
    this.child.kill();
  }
}

/** Just enough of TypeORM's QueryRunner/EntityManager for migrations and repositories. */
function runnerFor(db: PGliteProcess): QueryRunner & EntityManager {
  return {
    query: async (sql: string, params?: unknown[], structured?: boolean) => {
      const r = await db.query(sql, params);
      return structured ? { records: r.rows, affected: r.affected } : r.rows;
    },
  } as unknown as QueryRunner & EntityManager;
}

describe('TimescaleDB storage mode (PGlite + TimescaleDB)', () => {
  let db: PGliteProcess;
  let q: QueryRunner & EntityManager;

  beforeAll(async () => {
    db = new PGliteProcess();
    await db.ready;
    q = runnerFor(db);
  }, 120_000);

  afterAll(() => {
    db?.close();
  });

  it('should pick TimescaleDB mode and create a hypertable with compression and retention policies', async () => {
    for (const M of MIGRATIONS) await new M().up(q);
    const [mode] = (await q.query(
      `SELECT value FROM platform_settings WHERE key = 'storage_mode'`,
    )) as Array<{ value: string }>;
    expect(mode?.value).toBe('timescaledb');
    const hypertables = (await q.query(
      `SELECT hypertable_name FROM timescaledb_information.hypertables`,
    )) as Array<{
      hypertable_name: string;
    }>;
    expect(hypertables.map((h) => h.hypertable_name)).toEqual(['telemetry_status']);
    const jobs = (await q.query(
      `SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_name = 'telemetry_status' ORDER BY proc_name`,
    )) as Array<{ proc_name: string }>;
    expect(jobs.map((j) => j.proc_name)).toEqual(['policy_compression', 'policy_retention']);
    // The partition helper is a no-op in this mode.
    const [created] = (await q.query(
      `SELECT ensure_telemetry_partitions(current_date, current_date + 3) AS n`,
    )) as Array<{
      n: number;
    }>;
    expect(created?.n).toBe(0);
  });

  it('should write, de-duplicate and roll up telemetry with the same SQL as plain PostgreSQL', async () => {
    const elevatorId = randomUUID();
    const deviceId = randomUUID();
    await q.query(`INSERT INTO regions (code, name, level) VALUES ('440000', '广东省', 'province')`);
    await q.query(
      `INSERT INTO regions (code, name, level, parent_code) VALUES ('440100', '广州市', 'prefecture', '440000')`,
    );
    const [b] = (await q.query(
      `INSERT INTO buildings (region_code, community, name, address) VALUES ('440100', 'c', 'b', 'a') RETURNING id`,
    )) as Array<{ id: string }>;
    const [u] = (await q.query(
      `INSERT INTO units (building_id, name, floor_count) VALUES ($1, 'u', 7) RETURNING id`,
      [b?.id],
    )) as Array<{ id: string }>;
    await q.query(
      `INSERT INTO elevators (id, unit_id, registration_code, served_floors) VALUES ($1, $2, '31104401002021060001', '{1,2,3}')`,
      [elevatorId, u?.id],
    );
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    const row = (sec: number, seq: number, running: boolean): StatusRow => ({
      elevatorId,
      deviceId,
      ts: hour + sec * 1000,
      seq,
      receivedAt: Date.now(),
      running,
      direction: running ? 1 : 0,
      floor: 1,
      doorZone: true,
      doorClosed: true,
      passenger: false,
      mode: 1,
      speedMps: running ? 1 : 0,
      loadKg: 0,
    });
    const write = new TelemetryWriteRepository();
    const rows = [row(0, 1, false), row(10, 2, true), row(30, 3, false), row(60, 4, true), row(70, 5, false)];
    expect(await write.insertStatus(q, rows)).toBe(5);
    expect(await write.insertStatus(q, rows)).toBe(0); // replay: stored once
    const live = await write.upsertLiveState(q, [
      { elevatorId, deviceId, status: rows[4] ?? null, meter: null, online: true, lastSeenAt: Date.now() },
    ]);
    expect(live[0]).toMatchObject({ elevator_id: elevatorId, online: true });
    await write.markDirty(q, [{ elevatorId, hourMs: hour }]);
    // The ingest hot path: the whole batch in one statement (hypertables accept the same CTEs).
    const batch = {
      status: [row(80, 6, false), rows[4]],
      events: [
        {
          elevatorId,
          deviceId,
          ts: hour + 80_000,
          seq: 7,
          receivedAt: Date.now(),
          code: 'E30',
          state: 'set' as const,
          detail: null,
        },
      ],
      meters: [],
      touches: [
        {
          elevatorId,
          deviceId,
          status: row(80, 6, false),
          meter: null,
          online: true,
          lastSeenAt: Date.now(),
        },
      ],
      dirty: [{ elevatorId, hourMs: hour }],
    };
    const written = await write.writeBatch(q, batch);
    expect(written).toMatchObject({
      status: 1,
      meters: 0,
      newEvents: [{ elevatorId, seq: 7, code: 'E30', state: 'set' }],
    });
    expect(written.live[0]).toMatchObject({ elevator_id: elevatorId, seq: '6', online: true });
    expect(written.live[0]?.ts?.getTime()).toBe(hour + 80_000);
    expect((await write.writeBatch(q, batch)).newEvents).toEqual([]); // replayed: nothing new

    // the repository's named parameters are expanded by TypeORM's postgres driver (no connection)
    const rollups = new RollupRepository(new Sql(new DataSource({ type: 'postgres' })));
    const claimed = await rollups.claimDirty(q, 10);
    expect(claimed).toHaveLength(1);
    await rollups.recomputeHourly(
      q,
      claimed,
      FAULT_CODES,
      claimed.map(() => 0),
    );
    await rollups.recomputeDaily(q, claimed, 'Asia/Shanghai');
    const [h] = (await q.query(
      `SELECT trips, running_seconds, samples FROM elevator_rollup_hourly WHERE elevator_id = $1`,
      [elevatorId],
    )) as Array<{ trips: number; running_seconds: number; samples: number }>;
    expect(h).toEqual({ trips: 2, running_seconds: 30, samples: 6 });
  });

  it('should revert both migrations', async () => {
    for (const M of [...MIGRATIONS].reverse()) await new M().down(q);
    const tables = (await q.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    )) as unknown[];
    expect(tables).toEqual([]);
  });
});
