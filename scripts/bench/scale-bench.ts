/**
 * npm run bench:scale — the same load, in one run, against three topologies (issue 15):
 *
 *   a. embedded: one platform process (`--role all`): embedded broker (aedes), ingest, api;
 *   b. external + 1 worker: Mosquitto, one `--role ingest` worker, one `--role api` process;
 *   c. external + 2 workers: Mosquitto, two ingest workers on one shared subscription, one api;
 *   d. rabbitmq-2: a three-node RabbitMQ cluster (scripts/cluster/rabbitmq-cluster.ts; devices over
 *      MQTT, authenticated by the api's hooks), two ingest workers on its quorum queue over AMQP,
 *      one api; rabbitmq-2-kill: the same, with the node the devices and workers are on killed
 *      (-9) at the middle of the measuring window — what a node loss costs (issue 39).
 *
 * Every topology writes into the same PostgreSQL (the embedded server, started once here), gets
 * fresh devices, and is driven by the same load generator (its own process, on the same cores).
 * Reported per topology: committed msg/s, publish→commit p50/p99 (from the workers' histogram
 * liftwatch_ingest_device_to_commit_seconds, interpolated within buckets), CPU seconds per 1 000
 * committed messages for each process (platform processes, Mosquitto, PostgreSQL, the load
 * generator), peak RSS per process, and what was stored (lost / duplicated). Prints one JSON document.
 *
 *   npm run bench:scale -- --devices 10000 --rate 1 --seconds 40
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, PLATFORM_NODE_FLAGS } from '../../libs/config/src';
import { prepareDatabase } from '../../libs/database/src';
import { type RabbitCluster, startRabbitCluster } from '../cluster/rabbitmq-cluster';
import { provisionBenchFleet } from './bench-fleet';
import {
  freePort,
  cores,
  perThousand,
  postgresCpuSeconds,
  postmasterPid,
  procCpuSeconds,
  readBack,
  runLoad,
} from './bench-util';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '40' },
    topologies: { type: 'string', default: 'embedded,external-1,external-2,rabbitmq-2,rabbitmq-2-kill' },
    payload: { type: 'string', default: 'realistic' },
    // Mosquitto's max_inflight_messages: QoS 1 messages sent to one ingest worker before its PUBACKs
    'broker-inflight': { type: 'string', default: '10000' },
  },
});
const DEVICES = Number(values.devices);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WARMUP_MS = 5000;
const MAIN = join(__dirname, '../../apps/platform/src/main.js');
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

interface Proc {
  name: string;
  child: ChildProcess;
  httpUrl: string | null;
  peakRss: number;
  /** the process to measure when it is not `child` itself (a RabbitMQ node's Erlang VM) */
  pid?: () => number | undefined;
  /** a broker process (its CPU is the broker's, not the platform's) */
  broker?: boolean;
}

const pidOf = (p: Proc): number | undefined => (p.pid ? p.pid() : p.child.pid);

function rssBytes(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function waitHealthy(url: string, child: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not become healthy`);
}

async function startPlatformProcess(
  name: string,
  role: string,
  env: Record<string, string>,
  port?: number,
): Promise<Proc> {
  port ??= await freePort();
  const child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, MAIN, '--role', role], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      JWT_SECRET,
      ...env,
    },
    stdio: ['ignore', process.env.BENCH_VERBOSE ? 'inherit' : 'ignore', 'inherit'],
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  await waitHealthy(httpUrl, child, name);
  return { name, child, httpUrl, peakRss: 0 };
}

async function startMosquitto(dir: string): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      // enough in flight to a worker that acknowledges after its commit (deploy/brokers)
      `max_inflight_messages ${values['broker-inflight']}`,
      'max_queued_messages 1000000',
      'max_connections -1',
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  if (child.exitCode !== null) throw new Error('mosquitto did not start');
  return {
    proc: { name: 'mosquitto', child, httpUrl: null, peakRss: 0, broker: true },
    url: `mqtt://127.0.0.1:${port}`,
  };
}

async function stop(p: Proc): Promise<void> {
  if (p.pid) return; // a cluster node: stopped with its cluster
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (p.child.exitCode === null) p.child.kill('SIGKILL');
}

/** Sums a Prometheus metric's samples (optionally of one label value) from /metrics of `urls`. */
async function scrape(urls: string[]): Promise<string[]> {
  return Promise.all(urls.map(async (u) => (await fetch(`${u}/metrics`)).text()));
}

function counter(texts: string[], name: string, label = ''): number {
  let total = 0;
  for (const t of texts)
    for (const line of t.split('\n'))
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
        if (line.includes(label)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

/** Cumulative histogram buckets (le → count) summed over processes. */
function buckets(texts: string[], name: string): Map<number, number> {
  const out = new Map<number, number>();
  const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+(?:\\.\\d+)?)`);
  for (const t of texts)
    for (const line of t.split('\n')) {
      const m = re.exec(line);
      if (!m) continue;
      const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
      out.set(le, (out.get(le) ?? 0) + Number(m[2]));
    }
  return out;
}

/** Quantile of the difference of two cumulative histograms, linear within a bucket (as histogram_quantile). */
function quantile(after: Map<number, number>, before: Map<number, number>, q: number): number | null {
  const les = [...after.keys()].sort((a, b) => a - b);
  const cum = les.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = cum[cum.length - 1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  for (let i = 0; i < les.length; i++) {
    if ((cum[i] ?? 0) >= rank) {
      const hi = les[i] ?? 0;
      const lo = i === 0 ? 0 : (les[i - 1] ?? 0);
      const below = i === 0 ? 0 : (cum[i - 1] ?? 0);
      if (!Number.isFinite(hi)) return Math.round(lo * 1000);
      const inBucket = (cum[i] ?? 0) - below;
      return Math.round((lo + ((hi - lo) * (rank - below)) / Math.max(1, inBucket)) * 1000);
    }
  }
  return null;
}

async function runTopology(
  topology: string,
  databaseUrl: string,
  postmaster: number,
  dir: string,
): Promise<Record<string, unknown>> {
  const procs: Proc[] = [];
  let mqttUrl: string;
  let cluster: RabbitCluster | null = null;
  const HOOK_SECRET = 'bench-hook-secret-0123456789abcdef';
  const ingestUrls: string[] = [];
  const common = { DATABASE_URL: databaseUrl, DATA_DIR: join(dir, topology) };
  try {
    if (topology === 'embedded') {
      const mqttPort = await freePort();
      const p = await startPlatformProcess('platform (all)', 'all', {
        ...common,
        MQTT_PORT: String(mqttPort),
        MQTT_HOST: '127.0.0.1',
        MQTT_WS_PORT: '0',
      });
      procs.push(p);
      ingestUrls.push(p.httpUrl ?? '');
      mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    } else if (topology.startsWith('rabbitmq-')) {
      const workers = Number(topology.split('-')[1] ?? '2');
      const apiPort = await freePort();
      cluster = await startRabbitCluster({
        dir: join(dir, topology, 'rabbitmq'),
        hookBaseUrl: `http://127.0.0.1:${apiPort}`,
        hookSecret: HOOK_SECRET,
        namePrefix: `lwb${Date.now().toString(36).slice(-5)}n`,
      });
      for (const n of cluster.nodes) {
        const node = n;
        procs.push({
          name: `rabbitmq node ${n.index + 1}`,
          child: n.child as ChildProcess,
          httpUrl: null,
          peakRss: 0,
          pid: () => node.pid ?? undefined,
          broker: true,
        });
      }
      mqttUrl = cluster.mqttUrls;
      procs.push(
        await startPlatformProcess(
          'api',
          'api',
          {
            ...common,
            MQTT_URL: mqttUrl,
            MQTT_USERNAME: cluster.user,
            MQTT_PASSWORD: cluster.password,
            BROKER_HOOK_SECRET: HOOK_SECRET,
          },
          apiPort,
        ),
      );
      for (let i = 1; i <= workers; i++) {
        const w = await startPlatformProcess(`ingest worker ${i}`, 'ingest', {
          ...common,
          INGEST_SOURCE: 'amqp',
          AMQP_URL: cluster.amqpUrls,
        });
        procs.push(w);
        ingestUrls.push(w.httpUrl ?? '');
      }
    } else {
      const workers = Number(topology.split('-')[1] ?? '1');
      const broker = await startMosquitto(dir);
      procs.push(broker.proc);
      mqttUrl = broker.url;
      const group = `bench${Date.now().toString(36)}`;
      for (let i = 1; i <= workers; i++) {
        const w = await startPlatformProcess(`ingest worker ${i}`, 'ingest', {
          ...common,
          MQTT_URL: mqttUrl,
          MQTT_SHARED_GROUP: group,
          MQTT_CLIENT_ID: `${group}-${i}`,
          MQTT_CLEAN_SESSION: 'true',
        });
        procs.push(w);
        ingestUrls.push(w.httpUrl ?? '');
      }
      procs.push(await startPlatformProcess('api', 'api', { ...common, MQTT_URL: mqttUrl }));
    }
    const creds = await provisionBenchFleet(
      databaseUrl,
      DEVICES,
      `S${Date.now().toString(36).toUpperCase()}`,
    );
    // The embedded broker's directory reloads every 30 s; a miss looks the device up at once.
    const file = join(dir, `creds-${topology}.json`);
    writeFileSync(file, JSON.stringify(creds));
    const rssTimer = setInterval(() => {
      for (const p of procs) p.peakRss = Math.max(p.peakRss, rssBytes(pidOf(p)));
    }, 250);
    interface Snapshot {
      cpu: Map<string, number>;
      pg: number;
      texts: string[];
      at: number;
    }
    const snaps: { warm?: Snapshot; end?: Snapshot } = {};
    let killedNodeCpu: number | null = null;
    const snapshot = async (): Promise<Snapshot> => ({
      cpu: new Map(procs.map((p) => [p.name, procCpuSeconds(pidOf(p) ?? 0)])),
      pg: postgresCpuSeconds(postmaster),
      texts: await scrape(ingestUrls),
      at: Date.now(),
    });
    const { result } = runLoad(
      mqttUrl,
      file,
      { mode: 'paced', seconds: SECONDS, rate: RATE, window: 20, payload: values.payload },
      () => {
        setTimeout(() => void snapshot().then((s) => (snaps.warm = s)), WARMUP_MS);
        setTimeout(() => void snapshot().then((s) => (snaps.end = s)), SECONDS * 1000 - 500);
        if (topology.endsWith('-kill') && cluster) {
          const c = cluster;
          // the first node of every list: where the devices and the workers are connected
          setTimeout(
            () => {
              killedNodeCpu = procCpuSeconds(c.nodes[0]?.pid ?? 0);
              c.kill(0);
            },
            WARMUP_MS + (SECONDS * 1000 - WARMUP_MS) / 2,
          );
        }
      },
    );
    const load = await result;
    // An external broker acknowledges devices at once; what the workers had not taken yet waits in
    // their sessions. Wait until the database holds everything sent (or stops growing for 20 s).
    const loadEnded = Date.now();
    let check = await readBack(databaseUrl, load.sent);
    for (let last = check.stored, still = Date.now(); check.lost > 0 && Date.now() - still < 20_000;) {
      await new Promise((r) => setTimeout(r, 1000));
      check = await readBack(databaseUrl, load.sent);
      if (check.stored > last) {
        last = check.stored;
        still = Date.now();
      }
    }
    const backlogDrainedAfterS = Math.round((Date.now() - loadEnded) / 100) / 10;
    clearInterval(rssTimer);
    const { warm, end } = snaps;
    if (!warm || !end) throw new Error('the measuring window was not captured');
    const metric = 'liftwatch_ingest_rows_committed_total';
    const committed =
      counter(end.texts, metric, 'table="telemetry_status"') -
      counter(warm.texts, metric, 'table="telemetry_status"');
    const seconds = (end.at - warm.at) / 1000;
    const after = buckets(end.texts, 'liftwatch_ingest_device_to_commit_seconds');
    const before = buckets(warm.texts, 'liftwatch_ingest_device_to_commit_seconds');
    const pg = end.pg - warm.pg;
    const perProcess: Record<string, { cpuSPer1000: number | null; peakRssMiB: number }> = {};
    let platformCpu = 0;
    let brokerCpu = 0;
    for (const p of procs) {
      // a node killed in the window: its CPU up to the kill
      const last =
        p.name === 'rabbitmq node 1' && killedNodeCpu !== null ? killedNodeCpu : end.cpu.get(p.name);
      const cpu = Math.max(0, (last ?? 0) - (warm.cpu.get(p.name) ?? 0));
      if (p.broker) brokerCpu += cpu;
      else platformCpu += cpu;
      perProcess[p.name] = {
        cpuSPer1000: perThousand(cpu, committed),
        peakRssMiB: Math.round(p.peakRss / 1048576),
      };
    }
    // The load generator's CPU is over its whole sending time (it reports it itself).
    const loadCpuPerS = load.cpuSeconds / Math.max(1, load.seconds);
    return {
      topology,
      offeredMsgPerS: DEVICES * RATE,
      committedMsgPerS: Math.round(committed / seconds),
      publishToCommitMs: {
        p50: quantile(after, before, 0.5),
        p99: quantile(after, before, 0.99),
      },
      cpuSecondsPer1000Msgs: {
        perProcess,
        platformProcesses: perThousand(platformCpu, committed),
        broker: topology === 'embedded' ? 'in the platform process' : perThousand(brokerCpu, committed),
        postgres: perThousand(pg, committed),
        allButLoadGenerator: perThousand(platformCpu + brokerCpu + pg, committed),
        loadGenerator: perThousand(loadCpuPerS * seconds, committed),
      },
      coresBusy: {
        platformProcesses: cores(platformCpu, seconds),
        broker: cores(brokerCpu, seconds),
        postgres: cores(pg, seconds),
        loadGenerator: cores(loadCpuPerS, 1),
      },
      ...(cluster
        ? {
            nodeKilled: topology.endsWith('-kill') ? 'node 1 (-9), mid-window' : null,
            redeliveredToWorkers:
              counter(end.texts, 'liftwatch_ingest_redelivered_total') -
              counter(warm.texts, 'liftwatch_ingest_redelivered_total'),
            duplicateRowsSkipped:
              counter(end.texts, 'liftwatch_ingest_duplicates_total', 'table="telemetry_status"') -
              counter(warm.texts, 'liftwatch_ingest_duplicates_total', 'table="telemetry_status"'),
          }
        : {}),
      load: load.totals,
      databaseReadBack: check,
      backlogDrainedAfterS,
    };
  } finally {
    for (const p of procs.reverse()) await stop(p);
    await cluster?.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'liftwatch-scale-'));
  chmodSync(dir, 0o755); // the embedded PostgreSQL runs as "postgres" when this runs as root
  const config = loadConfig({
    ...process.env,
    DATA_DIR: join(dir, 'db'),
    EMBEDDED_PG_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    JWT_SECRET,
  });
  const database = await prepareDatabase(config, { info: () => undefined, debug: () => undefined });
  const out: Record<string, unknown> = {
    command: `npm run bench:scale -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: cpus().length, node: process.version },
    at: new Date().toISOString(),
    database: `${database.kind} PostgreSQL ${database.serverVersion} (${database.storageMode}), shared by every topology`,
  };
  try {
    const postmaster = await postmasterPid(database.url);
    const results: Array<Record<string, unknown>> = [];
    for (const t of (values.topologies ?? '').split(',').filter(Boolean)) {
      process.stderr.write(`topology ${t}…\n`);
      results.push(await runTopology(t, database.url, postmaster, dir));
    }
    out.topologies = results;
  } finally {
    await database.stop();
    if (process.env.BENCH_KEEP) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
