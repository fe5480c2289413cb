/**
 * npm run bench:storage — what a day of status samples costs on disk, for the sizing guide.
 *
 * Simulates `--elevators` elevators (the device simulator's model: a residential traffic profile)
 * for one day at one sample every `--interval` seconds and stores the rows:
 *   - in plain PostgreSQL (the embedded server, STORAGE_MODE=postgres: a daily partition and its
 *     primary key), and
 *   - in TimescaleDB (2.23-dev compiled to WASM in PGlite, the same table definition as the
 *     migration: 1-day chunks, compression segmented by elevator), before and after compression.
 * Prints bytes per row and what that makes for 10 000 elevators a day, at the fixed rate and at
 * the protocol's recommendation (a sample every 2 s while moving, every 60 s while idle).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../../libs/config/src';
import { prepareDatabase } from '../../libs/database/src';
import { ElevatorModel, type ElevatorSnapshot } from '../../device-sim/src';
import { freePort } from './bench-util';

const { values } = parseArgs({
  options: {
    elevators: { type: 'string', default: '20' },
    interval: { type: 'string', default: '1' },
  },
});
const ELEVATORS = Number(values.elevators);
const INTERVAL_S = Number(values.interval);
const DAY = Date.parse('2026-11-02T00:00:00+08:00'); // a Monday, Asia/Shanghai

interface Row {
  elevator: string;
  device: string;
  ts: number;
  seq: number;
  s: ElevatorSnapshot;
}

/** One simulated day per elevator; also counts the seconds each spent moving. */
function* simulate(movingSeconds: { n: number }): Generator<Row[]> {
  for (let e = 0; e < ELEVATORS; e++) {
    const model = new ElevatorModel({ floors: 6 + (e % 4) });
    const elevator = randomUUID();
    const device = randomUUID();
    const rows: Row[] = [];
    model.advance(DAY);
    for (let t = 0, seq = 1; t < 86_400; t += INTERVAL_S, seq++) {
      const ts = DAY + t * 1000;
      model.advance(ts);
      const s = model.snapshot();
      if (s.running) movingSeconds.n += INTERVAL_S;
      rows.push({ elevator, device, ts, seq, s });
    }
    yield rows;
  }
}

const b = (v: boolean): string => (v ? 't' : 'f');
function copyLine(r: Row): string {
  const ts = new Date(r.ts).toISOString();
  const s = r.s;
  return `${r.elevator}\t${r.device}\t${ts}\t${r.seq}\t${ts}\t${b(s.running)}\t${s.dir}\t${s.floor}\t${b(s.doorZone)}\t${b(s.doorClosed)}\t${b(s.passenger)}\t${s.mode}\t${s.speed}\t${s.load}\n`;
}

async function plainPostgres(rows: Row[][]): Promise<{ rows: number; bytes: number; bytesPerRow: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'liftwatch-storage-'));
  chmodSync(dir, 0o755);
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dir,
    EMBEDDED_PG_PORT: String(await freePort()),
    STORAGE_MODE: 'postgres',
    LOG_LEVEL: 'warn',
  });
  const database = await prepareDatabase(config, { info: () => undefined, debug: () => undefined });
  const c = new Client({ connectionString: database.url });
  await c.connect();
  try {
    await c.query(`SELECT ensure_telemetry_partitions('2026-11-01', '2026-11-03')`);
    let n = 0;
    for (const chunk of rows) {
      const stream = c.query(
        copyFrom(`COPY telemetry_status (elevator_id, device_id, ts, seq, received_at, running, direction,
                  floor, door_zone, door_closed, passenger, mode, speed_mps, load_kg) FROM STDIN`),
      );
      await new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
        for (let i = 0; i < chunk.length; i += 5000)
          stream.write(
            chunk
              .slice(i, i + 5000)
              .map(copyLine)
              .join(''),
          );
        stream.end();
      });
      n += chunk.length;
    }
    await c.query('VACUUM ANALYZE telemetry_status');
    const { rows: size } = await c.query<{ bytes: string }>(
      `SELECT sum(pg_total_relation_size(i.inhrelid))::bigint AS bytes
         FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'telemetry_status'`,
    );
    const bytes = Number(size[0]?.bytes ?? 0);
    return { rows: n, bytes, bytesPerRow: Math.round((bytes / n) * 10) / 10 };
  } finally {
    await c.end();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PGlite + TimescaleDB in a child process (the test suite's helper), queried over IPC. */
function pglite(): {
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): void;
} {
  const child: ChildProcess = fork(join(__dirname, '../../../test/support/pglite-timescaledb.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const pending = new Map<number, (m: { rows?: Array<Record<string, unknown>>; error?: string }) => void>();
  const ready = new Promise<void>((resolve) =>
    child.on(
      'message',
      (m: { id?: number; ready?: boolean; rows?: Array<Record<string, unknown>>; error?: string }) => {
        if (m.ready) return resolve();
        if (m.id !== undefined) pending.get(m.id)?.(m);
      },
    ),
  );
  return {
    query: async (sql, params) => {
      await ready;
      const id = ++next;
      return new Promise((resolve, reject) => {
        pending.set(id, (m) => {
          pending.delete(id);
          if (m.error) reject(new Error(m.error));
          else resolve(m.rows ?? []);
        });
        child.send({ id, sql, params });
      });
    },
    close: () => child.kill(),
  };
}

async function timescale(rows: Row[][]): Promise<Record<string, number>> {
  const db = pglite();
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    // The migration's definition (libs/database/src/migrations/1764100000000-telemetry.ts).
    await db.query(`CREATE TABLE telemetry_status (
        elevator_id uuid NOT NULL, device_id uuid NOT NULL, ts timestamptz NOT NULL, seq bigint NOT NULL,
        received_at timestamptz NOT NULL, running boolean NOT NULL, direction smallint NOT NULL,
        floor smallint, door_zone boolean, door_closed boolean, passenger boolean, mode smallint NOT NULL,
        speed_mps real, load_kg smallint, PRIMARY KEY (elevator_id, ts, seq))`);
    await db.query(`SELECT create_hypertable('telemetry_status', by_range('ts', INTERVAL '1 day'))`);
    await db.query(`ALTER TABLE telemetry_status SET (timescaledb.compress,
        timescaledb.compress_segmentby = 'elevator_id', timescaledb.compress_orderby = 'ts DESC, seq DESC')`);
    let n = 0;
    for (const chunk of rows) {
      for (let i = 0; i < chunk.length; i += 10_000) {
        const part = chunk.slice(i, i + 10_000);
        await db.query(
          `INSERT INTO telemetry_status SELECT e, d, to_timestamp(t / 1000.0), s, to_timestamp(t / 1000.0),
                  r, dir, f, dz, dc, p, m, sp, l
             FROM unnest($1::uuid[], $2::uuid[], $3::float8[], $4::bigint[], $5::bool[], $6::int2[], $7::int2[],
                         $8::bool[], $9::bool[], $10::bool[], $11::int2[], $12::real[], $13::int2[])
                  AS x(e, d, t, s, r, dir, f, dz, dc, p, m, sp, l)`,
          [
            part.map((r) => r.elevator),
            part.map((r) => r.device),
            part.map((r) => r.ts),
            part.map((r) => r.seq),
            part.map((r) => r.s.running),
            part.map((r) => r.s.dir),
            part.map((r) => r.s.floor),
            part.map((r) => r.s.doorZone),
            part.map((r) => r.s.doorClosed),
            part.map((r) => r.s.passenger),
            part.map((r) => r.s.mode),
            part.map((r) => r.s.speed),
            part.map((r) => r.s.load),
          ],
        );
        n += part.length;
      }
    }
    const size = async (): Promise<number> =>
      Number((await db.query(`SELECT hypertable_size('telemetry_status') AS b`))[0]?.b ?? 0);
    await db.query('VACUUM ANALYZE telemetry_status');
    const before = await size();
    await db.query(`SELECT compress_chunk(c) FROM show_chunks('telemetry_status') c`);
    await db.query('VACUUM ANALYZE telemetry_status');
    const after = await size();
    return {
      rows: n,
      uncompressedBytes: before,
      uncompressedBytesPerRow: Math.round((before / n) * 10) / 10,
      compressedBytes: after,
      compressedBytesPerRow: Math.round((after / n) * 10) / 10,
      compressionRatio: Math.round((before / Math.max(1, after)) * 10) / 10,
    };
  } finally {
    db.close();
  }
}

const gib = (bytes: number): number => Math.round((bytes / 1024 ** 3) * 10) / 10;

async function main(): Promise<void> {
  const moving = { n: 0 };
  const rows = [...simulate(moving)];
  const total = rows.reduce((n, r) => n + r.length, 0);
  const plain = await plainPostgres(rows);
  const ts = await timescale(rows);
  const movingShare = moving.n / (ELEVATORS * 86_400);
  // The protocol's recommendation: every 2 s while moving, every 60 s while idle.
  const adaptivePerElevator = Math.round((movingShare * 86_400) / 2 + ((1 - movingShare) * 86_400) / 60);
  const per10k = (rowsPerElevatorDay: number): Record<string, number> => {
    const r = rowsPerElevatorDay * 10_000;
    return {
      rowsPerDay: r,
      plainPostgresGiBPerDay: gib(r * plain.bytesPerRow),
      timescaleUncompressedGiBPerDay: gib(r * (ts.uncompressedBytesPerRow ?? 0)),
      timescaleCompressedGiBPerDay: gib(r * (ts.compressedBytesPerRow ?? 0)),
    };
  };
  process.stdout.write(
    `${JSON.stringify(
      {
        command: `npm run bench:storage -- ${process.argv.slice(2).join(' ')}`.trim(),
        at: new Date().toISOString(),
        simulated: {
          elevators: ELEVATORS,
          day: new Date(DAY).toISOString(),
          intervalS: INTERVAL_S,
          rows: total,
        },
        movingShareOfTheDay: Math.round(movingShare * 1000) / 1000,
        plainPostgres: plain,
        timescaledb: ts,
        per10000Elevators: {
          [`fixed: one sample every ${INTERVAL_S} s`]: per10k(86_400 / INTERVAL_S),
          'protocol recommendation: every 2 s moving, every 60 s idle': per10k(adaptivePerElevator),
        },
      },
      null,
      2,
    )}\n`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
