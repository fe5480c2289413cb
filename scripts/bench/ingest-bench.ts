/**
 * npm run bench:ingest — measures the telemetry pipeline on this machine.
 *
 *   1. raw:      the embedded broker (aedes) alone, an in-process subscriber counting deliveries;
 *   2. pipeline: the whole platform (embedded PostgreSQL, broker with device auth, ingest with
 *                ack-after-commit, live state, socket.io) with the same simulated load;
 *   3. paced:    (--paced N) N devices at --rate msg/s each: latency and memory at a given load;
 *   4. kill:     (--kill) the platform as a child process, kill -9 mid-run, restarted; then the
 *                database is read back to count lost and duplicated samples.
 * Both the raw and the pipeline phase use the same load generator in a separate process, so the
 * ratio compares like with like. Prints one JSON document.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { UsersService } from '../../libs/access/src';
import { type AppConfig, heapLimit, loadConfig, PLATFORM_NODE_FLAGS } from '../../libs/config/src';
import { prepareDatabase } from '../../libs/database/src';
import {
  type CommitReport,
  DeviceDirectory,
  IngestService,
  TelemetryRuntime,
} from '../../libs/telemetry/src';
import { createPlatformApp } from '../../apps/platform/src/platform.app';
import { type DeviceCredentials } from '../../device-sim/src';
import { provisionBenchFleet } from './bench-fleet';
import {
  freePort,
  type LoadOptions,
  type LoadResult,
  perThousand,
  postgresCpuSeconds,
  machineCpuSeconds,
  coresBusy,
  cores,
  postmasterPid,
  procCpuSeconds,
  readBack,
  runLoad,
  walBetween,
  walMark,
  type WalMark,
} from './bench-util';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    window: { type: 'string', default: '20' },
    paced: { type: 'string' },
    rate: { type: 'string', default: '1' },
    'skip-raw': { type: 'boolean', default: false },
    'skip-max': { type: 'boolean', default: false },
    kill: { type: 'boolean', default: false },
    // without the in-process dashboard client (it shares the platform process's core)
    'no-socket': { type: 'boolean', default: false },
    // offered rates (msg/s in all) for a ladder of paced runs with --devices devices
    ladder: { type: 'string' },
    // realistic: the elevator model; busy: door/passenger/running flags change on every sample
    payload: { type: 'string', default: 'realistic' },
    // the load generator's nice value (0–19): 0 shares the cores evenly, as real traffic would not
    'load-nice': { type: 'string', default: '0' },
  },
});
const DEVICES = Number(values.devices);
const SECONDS = Number(values.seconds);
const WINDOW = Number(values.window);
const WARMUP_MS = 3000;
const loadOptions = (mode: 'max' | 'paced', rate: number): LoadOptions => ({
  mode,
  seconds: SECONDS,
  rate,
  window: WINDOW,
  payload: values.payload,
  nice: loadNice(values['load-nice']),
});

function loadNice(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 19)
    throw new Error(`--load-nice must be an integer 0–19, not ${v}`);
  return n;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
}

function summarise(latencies: number[]): {
  p50: number | null;
  p99: number | null;
  max: number | null;
  n: number;
} {
  const s = Float64Array.from(latencies).sort();
  const arr = Array.from(s);
  return {
    p50: percentile(arr, 50),
    p99: percentile(arr, 99),
    max: arr.length ? (arr[arr.length - 1] ?? null) : null,
    n: arr.length,
  };
}

/** Counts over time; the sustained rate is taken over the steady window (after warm-up, before the end). */
class RateMeter {
  private samples: Array<[number, number]> = [];
  count = 0;
  private timer: NodeJS.Timeout | null = null;
  start(): void {
    this.timer = setInterval(() => this.samples.push([Date.now(), this.count]), 250);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
  sustained(from: number, to: number): number {
    const inWindow = this.samples.filter(([t]) => t >= from && t <= to);
    const a = inWindow[0];
    const b = inWindow[inWindow.length - 1];
    if (!a || !b || b[0] === a[0]) return 0;
    return Math.round(((b[1] - a[1]) * 1000) / (b[0] - a[0]));
  }
}

async function rawPhase(
  creds: DeviceCredentials[],
  file: string,
): Promise<{ sustainedMsgPerS: number; load: LoadResult['totals'] }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Aedes } = require('aedes') as typeof import('aedes');
  const broker = await Aedes.createBroker();
  const meter = new RateMeter();
  await new Promise<void>((r) => broker.subscribe('lw/v1/+/status', (_p, cb) => (meter.count++, cb()), r));
  const port = await freePort();
  const server = createServer((s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  writeFileSync(file, JSON.stringify(creds));
  let loadStart = 0;
  const { result } = runLoad(`mqtt://127.0.0.1:${port}`, file, loadOptions('max', 0), () => {
    loadStart = Date.now();
    meter.start();
  });
  const load = await result;
  meter.stop();
  await new Promise((r) => server.close(r));
  await new Promise<void>((r) => broker.close(() => r()));
  return {
    sustainedMsgPerS: meter.sustained(loadStart + WARMUP_MS, loadStart + SECONDS * 1000 - 500),
    load: load.totals,
  };
}

/**
 * The database's own floor for the same rows: COPY (text) of `rows` status rows for the rung's
 * elevators into the same table, timed, with PostgreSQL's CPU over the COPY.
 */
async function copyFloor(
  url: string,
  postmaster: number,
  creds: DeviceCredentials[],
  rows: number,
): Promise<Record<string, number | null>> {
  if (rows === 0 || creds.length === 0) return { rows: 0 };
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: ids } = await c.query<{ serial: string; id: string }>(
      'SELECT serial, id FROM devices WHERE serial = ANY($1::text[])',
      [creds.map((d) => d.serial)],
    );
    const deviceOf = new Map(ids.map((r) => [r.serial, r.id]));
    const now = Date.now();
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      const d = creds[i % creds.length];
      const seq = 1_000_000_000 + Math.floor(i / creds.length);
      const ts = new Date(now - 60_000 + (i % 60_000)).toISOString();
      lines.push(
        `${d.elevatorId}\t${deviceOf.get(d.serial)}\t${ts}\t${seq}\t${ts}\tt\t1\t${(i % 7) + 1}\tf\tt\tf\t1\t1\t70\n`,
      );
    }
    const cpu0 = postgresCpuSeconds(postmaster);
    const t0 = process.hrtime.bigint();
    const stream = c.query(
      copyFrom(
        `COPY telemetry_status (elevator_id, device_id, ts, seq, received_at, running, direction, floor,
                                door_zone, door_closed, passenger, mode, speed_mps, load_kg) FROM STDIN`,
      ),
    );
    await new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
      for (let i = 0; i < lines.length; i += 5000) stream.write(lines.slice(i, i + 5000).join(''));
      stream.end();
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const pg = postgresCpuSeconds(postmaster) - cpu0;
    return {
      rows,
      seconds: Math.round(seconds * 1000) / 1000,
      rowsPerS: Math.round(rows / seconds),
      postgresCpuSPer1000: perThousand(pg, rows),
    };
  } finally {
    await c.end();
  }
}

interface Platform {
  config: AppConfig;
  database: Awaited<ReturnType<typeof prepareDatabase>>;
  app: Awaited<ReturnType<typeof createPlatformApp>>;
  mqttUrl: string;
  postmaster: number;
  token: string;
  close(): Promise<void>;
}

async function startPlatform(): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liftwatch-bench-'));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    HTTP_PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    MQTT_PORT: '0',
    MQTT_WS_PORT: '0',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    ADMIN_PASSWORD: 'bench-admin-password',
  });
  const quiet = { info: () => undefined, debug: () => undefined };
  const database = await prepareDatabase(config, quiet);
  const app = await createPlatformApp({
    config,
    database,
    jwtSecret: config.auth.jwtSecret ?? '',
    deferBrokerStart: true,
  });
  await app.listen(config.http.port, '127.0.0.1');
  await app.get(UsersService).ensureFirstAdmin(config.auth.adminPassword);
  const ports = await app.get(TelemetryRuntime).startIngest(0, null);
  const login = (await (
    await fetch(`http://127.0.0.1:${config.http.port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }),
    })
  ).json()) as { accessToken: string };
  return {
    config,
    database,
    app,
    mqttUrl: `mqtt://127.0.0.1:${ports?.tcpPort}`,
    postmaster: await postmasterPid(database.url),
    token: login.accessToken,
    close: async () => {
      await app.close();
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The dashboard client in its own process (see socket-client.ts). */
async function startSocketClient(
  platform: Platform,
): Promise<{ send(type: string): void; report(): Promise<unknown>; stop(): void }> {
  const child = fork(
    join(__dirname, 'socket-client.js'),
    [`http://127.0.0.1:${platform.config.http.port}`, platform.token],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`socket client exited ${code}`)));
  });
  return {
    send: (type) => child.send({ type }),
    report: () =>
      new Promise((resolve) => {
        child.once('message', (m: { report?: unknown }) => resolve(m.report));
        child.send({ type: 'report' });
      }),
    stop: () => child.send({ type: 'exit' }),
  };
}

async function pipelinePhase(
  platform: Platform,
  devices: number,
  mode: 'max' | 'paced',
  rate: number,
  withCopyFloor = false,
): Promise<Record<string, unknown>> {
  const { app, database } = platform;
  const creds = await provisionBenchFleet(database.url, devices, `B${Date.now().toString(36).toUpperCase()}`);
  await app.get(DeviceDirectory).reload();
  const file = join(platform.config.dataDir, `creds-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(creds));
  // Dashboard client: all elevators, as an admin would watch them.
  const socket = values['no-socket'] ? null : await startSocketClient(platform);

  const meter = new RateMeter();
  const commitLatencies: number[] = [];
  // from the platform's reading of the message to its commit: the platform's own share, without
  // the time the message spent in the generator or the socket buffers before it was read
  const receiveLatencies: number[] = [];
  // status rows per committed batch, and how late the event loop ran timers (a pg reply waits as long)
  const batches = { count: 0, rows: 0 };
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  // p50 of publish → commit per 10 s of the run: a standing queue shows as a slope over time
  const bySlice = new Map<number, number[]>();
  let loadStart = 0;
  let committed = 0;
  const onCommit = (r: CommitReport): void => {
    meter.count += r.inserted.status;
    committed += r.inserted.status;
    if (!measuring) return;
    batches.count++;
    batches.rows += r.status.length;
    const slice = Math.floor((r.committedAt - loadStart) / 10_000);
    let list = bySlice.get(slice);
    if (!list) bySlice.set(slice, (list = []));
    for (const s of r.status) {
      commitLatencies.push(r.committedAt - s.ts);
      receiveLatencies.push(r.committedAt - s.receivedAt);
      list.push(r.committedAt - s.ts);
    }
  };
  let measuring = false;
  const ingest = app.get(IngestService);
  ingest.events.on('committed', onCommit);
  let peakRss = 0;
  // where the memory is at the peak: V8's heap (used, and held), Buffers and other native memory
  let atPeak: NodeJS.MemoryUsage | null = null;
  let peakAt = 0;
  const rssTimer = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) {
      peakRss = m.rss;
      atPeak = m;
      peakAt = Date.now();
    }
  }, 100);
  // CPU used so far by each process and the machine: at the start of the load, then every 10 s
  let start = coreMark(platform.postmaster, undefined);
  let committedAtStart = 0;
  const walAt: { start: Promise<WalMark> | null } = { start: null };
  // cores each process used per 10 s of the run: is a slow stretch one where the cores were full?
  const coreSlices: CoreSlice[] = [];
  let sliceTimer: NodeJS.Timeout | null = null;
  const { child, result } = runLoad(platform.mqttUrl, file, loadOptions(mode, rate), () => {
    loadStart = Date.now();
    meter.start();
    start = coreMark(platform.postmaster, child.pid);
    let mark = start;
    sliceTimer = setInterval(() => {
      const next = coreMark(platform.postmaster, child.pid);
      coreSlices.push(coresBetween(mark, next));
      mark = next;
    }, 10_000);
    walAt.start = walMark(database.url);
    committedAtStart = committed;
    setTimeout(() => {
      measuring = true;
      loopDelay.enable();
      socket?.send('start');
    }, WARMUP_MS);
    setTimeout(
      () => {
        measuring = false;
        loopDelay.disable();
        socket?.send('stop');
      },
      SECONDS * 1000 - 500,
    );
  });
  const load = await result;
  if (sliceTimer) clearInterval(sliceTimer);
  await ingest.drain();
  const end = coreMark(platform.postmaster, undefined);
  const machine = coresBusy(start.machine, end.machine);
  const platformCpu = end.platform - start.platform;
  const pgCpu = end.postgres - start.postgres;
  const messages = committed - committedAtStart;
  const wal = walAt.start ? walBetween(await walAt.start, await walMark(database.url), messages) : null;
  meter.stop();
  clearInterval(rssTimer);
  ingest.events.off('committed', onCommit);
  const check = await readBack(database.url, load.sent);
  const socketReport = socket ? await socket.report() : null;
  socket?.stop();
  const floor = withCopyFloor
    ? await copyFloor(database.url, platform.postmaster, creds, messages)
    : undefined;
  return {
    devices,
    mode:
      mode === 'max'
        ? `max (each device keeps ${WINDOW} QoS 1 messages in flight)`
        : `paced ${rate} msg/s per device (${Math.round(devices * rate)} msg/s offered)`,
    payload: values.payload,
    sustainedCommittedMsgPerS: meter.sustained(loadStart + WARMUP_MS, loadStart + SECONDS * 1000 - 500),
    publishToCommitMs: summarise(commitLatencies),
    receiveToCommitMs: summarise(receiveLatencies),
    batches: {
      count: batches.count,
      meanStatusRows: batches.count ? Math.round(batches.rows / batches.count) : null,
    },
    eventLoopDelayMs: {
      p50: Math.round(loopDelay.percentile(50) / 1e5) / 10,
      p99: Math.round(loopDelay.percentile(99) / 1e5) / 10,
      max: Math.round(loopDelay.max / 1e5) / 10,
    },
    // per 10 s of the run: does the tail come from one stretch (start-up, a GC, a job) or all along?
    publishToCommitBy10s: [...bySlice.entries()]
      .sort(([a], [b]) => a - b)
      .map(([slice, l]) => {
        const { p50, p99 } = summarise(l);
        const cores = coreSlices[slice];
        return { fromS: slice * 10, p50, p99, ...(cores ? { cores } : {}) };
      }),
    publishToSocketMs: socketReport,
    cpuSecondsPer1000Msgs: {
      messages,
      platform: perThousand(platformCpu, messages),
      postgres: perThousand(pgCpu, messages),
      platformPlusPostgres: perThousand(platformCpu + pgCpu, messages),
      loadGenerator: perThousand(load.cpuSeconds, messages),
    },
    // the whole machine from the start of the load until everything sent was committed: how near
    // the two cores are to saturation (platform, PostgreSQL, load generator, dashboard client, rest)
    machineCoresBusy: machine,
    peakRssMiB: Math.round(peakRss / 1048576),
    atPeakRssMiB: atPeak ? mib(atPeak) : null,
    // when the peak was: seconds from the start of the load (negative: while devices connected)
    peakRssAtS: loadStart ? Math.round((peakAt - loadStart) / 100) / 10 : null,
    // WAL bytes per committed message and checkpoints started during the load (PostgreSQL's side)
    wal,
    connectSeconds: load.connectSeconds,
    load: load.totals,
    databaseReadBack: check,
    ...(floor ? { copyFloor: floor } : {}),
  };
}

/** Cores used on average during one slice of the run, per process, and by the whole machine. */
interface CoreSlice {
  platform: number;
  postgres: number;
  loadGenerator: number;
  machine: number;
}

/** CPU seconds used so far by each process, and the machine's reading (with its time). */
interface CoreMark {
  platform: number;
  postgres: number;
  loadGenerator: number;
  machine: ReturnType<typeof machineCpuSeconds>;
}

function coreMark(postmaster: number, loadPid: number | undefined): CoreMark {
  const own = process.cpuUsage();
  return {
    platform: (own.user + own.system) / 1e6,
    postgres: postgresCpuSeconds(postmaster),
    loadGenerator: loadPid === undefined ? 0 : procCpuSeconds(loadPid),
    machine: machineCpuSeconds(),
  };
}

function coresBetween(a: CoreMark, b: CoreMark): CoreSlice {
  const seconds = (b.machine.at - a.machine.at) / 1000;
  return {
    platform: cores(b.platform - a.platform, seconds),
    postgres: cores(b.postgres - a.postgres, seconds),
    loadGenerator: cores(b.loadGenerator - a.loadGenerator, seconds),
    machine: coresBusy(a.machine, b.machine).busy,
  };
}

function mib(m: NodeJS.MemoryUsage): Record<string, number> {
  const r = (b: number): number => Math.round(b / 1048576);
  return {
    heapUsed: r(m.heapUsed),
    heapTotal: r(m.heapTotal),
    external: r(m.external),
    arrayBuffers: r(m.arrayBuffers),
    other: r(m.rss - m.heapTotal - m.external),
  };
}

async function killPhase(devices: number, rate: number): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liftwatch-kill-'));
  const httpPort = await freePort();
  const pgPort = await freePort();
  const mqttPort = await freePort();
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    HTTP_PORT: String(httpPort),
    EMBEDDED_PG_PORT: String(pgPort),
    MQTT_PORT: String(mqttPort),
    MQTT_WS_PORT: '0',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  };
  const main = join(__dirname, '../../apps/platform/src/main.js');
  const startPlatform = async (): Promise<ChildProcess> => {
    const p = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, main], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; i < 300; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${httpPort}/health`);
        if (res.ok) return p;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('platform did not become healthy');
  };
  let platform = await startPlatform();
  const dbUrl = `postgresql://postgres:liftwatch-embedded@127.0.0.1:${pgPort}/liftwatch`;
  const creds = await provisionBenchFleet(dbUrl, devices, `K${Date.now().toString(36).toUpperCase()}`);
  const file = join(dataDir, 'creds.json');
  writeFileSync(file, JSON.stringify(creds));
  const { result } = runLoad(
    `mqtt://127.0.0.1:${mqttPort}`,
    file,
    loadOptions('paced', rate),
    () => undefined,
  );
  await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 3));
  platform.kill('SIGKILL');
  const killedAt = Date.now();
  await new Promise((r) => setTimeout(r, 2000));
  platform = await startPlatform();
  const downMs = Date.now() - killedAt;
  const load = await result;
  await new Promise((r) => setTimeout(r, 1000));
  const check = await readBack(dbUrl, load.sent);
  platform.kill('SIGTERM');
  await new Promise((r) => platform.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  return { devices, rate, downForMs: downMs, load: load.totals, databaseReadBack: check };
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = {
    command: `npm run bench:ingest -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpus: (await import('node:os')).cpus().length,
      node: process.version,
      heapLimitMiB: heapLimit().limitMiB,
    },
    at: new Date().toISOString(),
  };
  if (!values['skip-max'] && !values['skip-raw']) {
    const rawCreds = Array.from({ length: DEVICES }, (_, i) => ({
      serial: `RAW-${String(i).padStart(6, '0')}`,
      secret: 'x',
      elevatorId: '',
      floors: 7,
    }));
    const dir = mkdtempSync(join(tmpdir(), 'liftwatch-raw-'));
    out.raw = await rawPhase(rawCreds, join(dir, 'creds.json'));
    rmSync(dir, { recursive: true, force: true });
  }
  if (!values['skip-max'] || values.paced || values.ladder) {
    const platform = await startPlatform();
    out.storageMode = platform.database.storageMode;
    try {
      if (!values['skip-max']) {
        const pipeline = await pipelinePhase(platform, DEVICES, 'max', 0);
        out.pipeline = pipeline;
        const raw = out.raw as { sustainedMsgPerS: number } | undefined;
        if (raw)
          out.ratioToRaw =
            Math.round(((pipeline.sustainedCommittedMsgPerS as number) / raw.sustainedMsgPerS) * 100) / 100;
      }
      if (values.ladder) {
        // The same devices' count at each offered rate; fresh devices per rung (seq from 1).
        const rungs: Array<Record<string, unknown>> = [];
        for (const offered of values.ladder.split(',').map(Number)) {
          rungs.push({
            offeredMsgPerS: offered,
            ...(await pipelinePhase(platform, DEVICES, 'paced', offered / DEVICES, true)),
          });
          process.stderr.write(`rung ${offered} msg/s done\n`);
        }
        out.ladder = rungs;
      }
      if (values.paced)
        out.paced = await pipelinePhase(platform, Number(values.paced), 'paced', Number(values.rate));
    } finally {
      await platform.close();
    }
  }
  if (values.kill) out.kill = await killPhase(Math.min(DEVICES, 500), 20);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
