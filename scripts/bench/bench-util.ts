/** Helpers shared by the benchmarks (bench:ingest, bench:scale). */
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface LoadResult {
  seconds: number;
  /** from the first connection attempt until every device had its CONNACK (in waves of 250) */
  connectSeconds: number;
  sent: Record<string, number>;
  cpuSeconds: number;
  totals: {
    published: number;
    acked: number;
    errors: number;
    replayed: number;
    connects: number;
    stillInFlight: number;
    bufferedWhileDisconnected: number;
    /** held by a device that never got to send them (it was not connected at the end) */
    neverSent: number;
  };
}

export interface LoadOptions {
  mode: 'max' | 'paced';
  seconds: number;
  /** msg/s per device (paced) */
  rate: number;
  /** QoS 1 messages each device keeps in flight (max) */
  window: number;
  payload: string | undefined;
  /**
   * The generator's scheduling priority (nice 0–19; 0 = the same as the platform). Real devices do
   * not take the platform's cores; a positive value lets the platform and PostgreSQL go first when
   * the two cores are short, the generator using what is left.
   */
  nice?: number;
}

const LOAD_SCRIPT = join(__dirname, 'load-generator.js');
const CLOCK_TICKS = 100; // USER_HZ on Linux

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The load generator (load-generator.ts) in its own process. */
export function runLoad(
  url: string,
  credentialsFile: string,
  o: LoadOptions,
  onConnected: () => void,
): { child: ChildProcess; result: Promise<LoadResult> } {
  const child = fork(
    LOAD_SCRIPT,
    [
      JSON.stringify({
        url,
        credentials: credentialsFile,
        mode: o.mode,
        seconds: o.seconds,
        window: o.window,
        rate: o.rate,
        qos: 1,
        payload: o.payload,
      }),
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // not the platform's node flags (a heap setting or --cpu-prof tried on the platform)
      execArgv: [],
    },
  );
  if (o.nice && child.pid !== undefined) setPriority(child.pid, o.nice);
  let loadResult: LoadResult | null = null;
  child.on('message', (m: { type?: string; result?: LoadResult }) => {
    if (m.type === 'connected') onConnected();
    if (m.type === 'result' && m.result) loadResult = m.result;
  });
  const result = new Promise<LoadResult>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 && loadResult ? resolve(loadResult) : reject(new Error(`load generator exited ${code}`)),
    ),
  );
  return { child, result };
}

export async function readBack(
  url: string,
  sent: Record<string, number>,
): Promise<{ expected: number; stored: number; lost: number; duplicated: number }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const res = await c.query<{ serial: string; n: string; distinct_seq: string }>(
      `SELECT d.serial, count(t.*) AS n, count(DISTINCT t.seq) AS distinct_seq
         FROM devices d LEFT JOIN telemetry_status t ON t.elevator_id = d.elevator_id
        WHERE d.serial = ANY($1::text[]) GROUP BY d.serial`,
      [Object.keys(sent)],
    );
    let expected = 0;
    let stored = 0;
    let lost = 0;
    let duplicated = 0;
    for (const r of res.rows) {
      const s = sent[r.serial] ?? 0;
      expected += s;
      stored += Number(r.n);
      duplicated += Number(r.n) - Number(r.distinct_seq);
      lost += Math.max(0, s - Number(r.distinct_seq));
    }
    return { expected, stored, lost, duplicated };
  } finally {
    await c.end();
  }
}

/** The whole machine's CPU time so far (all processes), from /proc/stat: busy and stolen, in seconds. */
export function machineCpuSeconds(): { busy: number; steal: number; at: number } {
  const at = performance.now();
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is in user)
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return { busy: (user + nice + system + irq + softirq) / CLOCK_TICKS, steal: steal / CLOCK_TICKS, at };
  } catch {
    return { busy: 0, steal: 0, at };
  }
}

/** Cores busy (and stolen by the hypervisor) on average between two `machineCpuSeconds` readings. */
export function coresBusy(
  from: ReturnType<typeof machineCpuSeconds>,
  to: ReturnType<typeof machineCpuSeconds>,
): { busy: number; stolen: number } {
  const s = (to.at - from.at) / 1000;
  return { busy: cores(to.busy - from.busy, s), stolen: cores(to.steal - from.steal, s) };
}

/** CPU seconds over `seconds` of wall time, as cores on average (two decimals; 0 for no time). */
export function cores(cpuSeconds: number, seconds: number): number {
  return seconds > 0 ? Math.round((cpuSeconds / seconds) * 100) / 100 : 0;
}

/** CPU seconds used so far by a process (user + system), from /proc; 0 if it is gone. */
export function procCpuSeconds(pid: number, withChildren = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    const ticks = Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
    return ticks / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds of the whole PostgreSQL server: postmaster, its live children and its reaped ones. */
export function postgresCpuSeconds(postmaster: number): number {
  let total = procCpuSeconds(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) total += procCpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export async function postmasterPid(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const stat = readFileSync(`/proc/${rows[0]?.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } finally {
    await c.end();
  }
}

export function perThousand(cpuSeconds: number, messages: number): number | null {
  return messages > 0 ? Math.round((cpuSeconds / messages) * 1000 * 10_000) / 10_000 : null;
}

/** The WAL position and checkpoint counts of a PostgreSQL server (15: pg_stat_bgwriter; 17+: pg_stat_checkpointer). */
export interface WalMark {
  lsn: bigint;
  timed: number;
  requested: number;
}

export async function walMark(url: string): Promise<WalMark> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const [{ lsn }] = (await c.query<{ lsn: string }>(`SELECT pg_current_wal_lsn()::text AS lsn`)).rows;
    const [hi, lo] = lsn.split('/').map((h) => BigInt(`0x${h}`));
    const counts = await c
      .query<{ timed: string; requested: string }>(
        `SELECT num_timed AS timed, num_requested AS requested FROM pg_stat_checkpointer`,
      )
      .catch(() =>
        c.query<{ timed: string; requested: string }>(
          `SELECT checkpoints_timed AS timed, checkpoints_req AS requested FROM pg_stat_bgwriter`,
        ),
      );
    const row = counts.rows[0];
    return { lsn: (hi << 32n) + lo, timed: Number(row?.timed ?? 0), requested: Number(row?.requested ?? 0) };
  } finally {
    await c.end();
  }
}

/** WAL written and checkpoints started between two marks. */
export function walBetween(
  a: WalMark,
  b: WalMark,
  messages: number,
): { bytesPerMessage: number | null; checkpoints: { timed: number; requested: number } } {
  return {
    bytesPerMessage: messages > 0 ? Math.round(Number(b.lsn - a.lsn) / messages) : null,
    checkpoints: { timed: b.timed - a.timed, requested: b.requested - a.requested },
  };
}
