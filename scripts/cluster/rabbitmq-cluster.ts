/**
 * A RabbitMQ cluster of N nodes on one machine, for `npm run topology -- --broker rabbitmq`, the
 * kill tests and `bench:scale`: Debian's rabbitmq-server package (3.10), nothing installed beyond
 * it. Every node has its own ports (AMQP, MQTT, Erlang distribution), data folder, log folder and
 * config; they share one Erlang cookie written here and find each other by the classic config peer
 * list. Devices connect over MQTT to any node (a client-side host list fails over); the ingest
 * workers consume one quorum queue over AMQP 0-9-1 (see docs/operations.md "Broker cluster").
 *
 * Device authentication and topic ACL are the cluster's, through the platform's HTTP hooks
 * (rabbitmq_auth_backend_http → POST /api/v1/broker/rabbitmq/*); the platform's own account is a
 * RabbitMQ internal user (default_user), tried first.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { declareIngestQueue } from '../../libs/telemetry/src/broker/amqp-ingest-queue';
import { freePort } from '../bench/bench-util';

/** Debian's rabbitmq-server package keeps the real scripts here (/usr/sbin's wrap them in su). */
export const RABBITMQ_BIN = process.env.RABBITMQ_BIN ?? '/usr/lib/rabbitmq/bin';

export function hasRabbitmq(): boolean {
  return existsSync(join(RABBITMQ_BIN, 'rabbitmq-server'));
}

export interface RabbitNode {
  index: number;
  name: string;
  amqpPort: number;
  mqttPort: number;
  distPort: number;
  dir: string;
  child: ChildProcess | null;
  /** The Erlang VM's pid once the node has booted (what `kill -9` is aimed at). */
  pid: number | null;
}

export interface RabbitClusterOptions {
  /** Folder for the nodes' data, logs, configs and the cookie (kept across restarts of a node). */
  dir: string;
  nodes?: number;
  /** The platform's HTTP base the auth hooks call, e.g. http://127.0.0.1:3001 (an api replica). */
  hookBaseUrl: string;
  /** BROKER_HOOK_SECRET: sent by the cluster as a query parameter of every hook. */
  hookSecret: string;
  /** The platform's own account (ingest workers over AMQP, the api's command publisher over MQTT). */
  user?: string;
  password?: string;
  /** Prefix of the Erlang node names (several clusters on one machine need different ones). */
  namePrefix?: string;
  /** The ingest quorum queue, declared as soon as the cluster has formed (AMQP_QUEUE). */
  ingestQueue?: string;
  /** Start a node that exits on its own again after this long (a supervisor); off by default. */
  restartAfterMs?: number;
  log?: (line: string) => void;
}

export interface RabbitCluster {
  nodes: RabbitNode[];
  user: string;
  password: string;
  /** Comma-separated MQTT URLs of every node (MQTT_URL: mqtt.js fails over along the list). */
  mqttUrls: string;
  /** Comma-separated AMQP URLs with the platform's credentials (AMQP_URL). */
  amqpUrls: string;
  /** kill -9 of a node's Erlang VM and its shell (a crash: no goodbye to peers or clients). */
  kill(index: number): void;
  /** Starts a killed or stopped node again on its own data folder; resolves when it serves. */
  restart(index: number): Promise<void>;
  /** Stops every node (a clean shutdown). */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function nodeConfig(
  o: { hookBaseUrl: string; hookSecret: string; user: string; password: string },
  node: RabbitNode,
  all: RabbitNode[],
): string {
  const hook = (path: string) =>
    `${o.hookBaseUrl}/api/v1/broker/rabbitmq/${path}?secret=${encodeURIComponent(o.hookSecret)}`;
  return [
    `listeners.tcp.default = 127.0.0.1:${node.amqpPort}`,
    `mqtt.listeners.tcp.default = 127.0.0.1:${node.mqttPort}`,
    'mqtt.allow_anonymous = false',
    'mqtt.vhost = /',
    'mqtt.exchange = amq.topic',
    // the platform's account: created with the cluster, checked by the internal database first
    `default_user = ${o.user}`,
    `default_pass = ${o.password}`,
    'loopback_users = none',
    'auth_backends.1 = internal',
    'auth_backends.2 = http',
    'auth_http.http_method = post',
    `auth_http.user_path = ${hook('user')}`,
    `auth_http.vhost_path = ${hook('vhost')}`,
    `auth_http.resource_path = ${hook('resource')}`,
    `auth_http.topic_path = ${hook('topic')}`,
    'cluster_formation.peer_discovery_backend = classic_config',
    ...all.map((n, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${n.name}`),
    // the first node, booting alone, waits this long for peers before it forms the cluster
    'cluster_formation.discovery_retry_limit = 3',
    'cluster_formation.discovery_retry_interval = 300',
    // a node cut off from the majority stops serving instead of accepting what it cannot replicate
    'cluster_partition_handling = pause_minority',
    'log.console = false',
    `log.file.level = ${process.env.RABBITMQ_LOG_LEVEL ?? 'warning'}`,
    // a test machine's disk: the default 50 MB free-disk alarm is enough
    'disk_free_limit.absolute = 50MB',
    '',
  ].join('\n');
}

export async function startRabbitCluster(options: RabbitClusterOptions): Promise<RabbitCluster> {
  const o = {
    nodes: 3,
    user: 'liftwatch',
    password: randomBytes(12).toString('hex'),
    namePrefix: 'lwmq',
    ingestQueue: 'liftwatch.ingest',
    ...options,
  };
  const log = options.log ?? (() => undefined);
  mkdirSync(o.dir, { recursive: true });
  // One Erlang cookie for every node and for rabbitmqctl (HOME/.erlang.cookie, mode 0400).
  const cookieFile = join(o.dir, '.erlang.cookie');
  if (!existsSync(cookieFile)) writeFileSync(cookieFile, randomBytes(20).toString('hex'), { mode: 0o400 });
  chmodSync(cookieFile, 0o400);
  const statePath = join(o.dir, 'cluster.json');
  // A folder used before keeps its ports and account: the nodes' data names its peers.
  const saved = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as {
        nodes: Omit<RabbitNode, 'child'>[];
        password: string;
      })
    : null;
  const nodes: RabbitNode[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const prior = saved?.nodes[i];
    nodes.push({
      index: i,
      name: prior?.name ?? `${o.namePrefix}${i + 1}@localhost`,
      amqpPort: prior?.amqpPort ?? (await freePort()),
      mqttPort: prior?.mqttPort ?? (await freePort()),
      distPort: prior?.distPort ?? (await freePort()),
      dir: join(o.dir, `node${i + 1}`),
      child: null,
      pid: null,
    });
  }
  const password = saved?.password ?? o.password;
  const cfg = { ...o, password };
  writeFileSync(
    statePath,
    JSON.stringify({ nodes: nodes.map(({ child: _c, pid: _p, ...n }) => n), password }, null, 2),
  );
  let stopping = false;

  const envOf = (n: RabbitNode): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? '',
    HOME: o.dir, // the cookie
    LANG: 'C.UTF-8',
    RABBITMQ_CONF_ENV_FILE: join(n.dir, 'rabbitmq-env.conf'),
    RABBITMQ_NODENAME: n.name,
    RABBITMQ_USE_LONGNAME: 'false',
    RABBITMQ_DIST_PORT: String(n.distPort),
    RABBITMQ_CONFIG_FILE: join(n.dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(n.dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(n.dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(n.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(n.dir, 'log'),
    RABBITMQ_PID_FILE: join(n.dir, 'rabbitmq.pid'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  });

  for (const n of nodes) {
    mkdirSync(join(n.dir, 'log'), { recursive: true });
    writeFileSync(join(n.dir, 'rabbitmq-env.conf'), '');
    writeFileSync(join(n.dir, 'rabbitmq.conf'), nodeConfig(cfg, n, nodes));
    writeFileSync(join(n.dir, 'advanced.config'), '[].\n');
    writeFileSync(join(n.dir, 'enabled_plugins'), '[rabbitmq_mqtt,rabbitmq_auth_backend_http].\n');
  }

  // eslint-disable-next-line prefer-const -- launch and serving refer to each other
  let serving: (n: RabbitNode, timeoutMs: number) => Promise<void>;
  const launch = (n: RabbitNode) => {
    const child = spawn(join(RABBITMQ_BIN, 'rabbitmq-server'), [], {
      env: envOf(n),
      detached: true, // a process group of its own: kill -9 reaches the VM and its helpers
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => log(`${n.name}: ${d.toString().trim()}`));
    child.on('exit', (code, signal) => {
      if (n.child !== child) return;
      n.child = null;
      n.pid = null;
      log(`${n.name} exited (${signal ?? code})`);
      if (stopping || o.restartAfterMs === undefined) return;
      setTimeout(() => {
        if (stopping || n.child) return;
        log(`${n.name}: starting again`);
        launch(n);
        serving(n, 120_000).then(
          () => log(`${n.name} is back (pid ${n.pid})`),
          (err: unknown) => log(`${n.name}: ${String(err)}`),
        );
      }, o.restartAfterMs);
    });
    n.child = child;
  };

  const ctl = (n: RabbitNode, args: string[], timeoutMs = 60_000) =>
    spawnSync(join(RABBITMQ_BIN, 'rabbitmqctl'), ['-n', n.name, ...args], {
      env: envOf(n),
      encoding: 'utf8',
      timeout: timeoutMs,
    });

  /** The node has booted (rabbit app running) and its MQTT listener takes connections. */
  serving = async (n: RabbitNode, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!n.child) throw new Error(`${n.name} exited while starting (log: ${join(n.dir, 'log')})`);
      if ((await portOpen(n.mqttPort)) && (await portOpen(n.amqpPort))) {
        const pidFile = join(n.dir, 'rabbitmq.pid');
        n.pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || null : null;
        return;
      }
      await sleep(250);
    }
    throw new Error(`${n.name} did not start within ${timeoutMs / 1000} s (log: ${join(n.dir, 'log')})`);
  };

  // One node after the other: the first forms the cluster, each next one joins it by peer
  // discovery. Booted together, the nodes race to join the MQTT plugin's client-id registry (a
  // Raft cluster of its own, `mqtt_node`): a join was lost ("$ra_join … NOT appended to log"), and
  // after a node kill the registry had no majority — MQTT refused every device and a restarting
  // node waited 100 s on it and failed.
  for (const n of nodes) {
    launch(n);
    await serving(n, 120_000);
  }
  // every node sees all the others before anyone declares a quorum queue on them
  const until = Date.now() + 60_000;
  for (;;) {
    const r = ctl(nodes[0], ['cluster_status', '--formatter', 'json']);
    const running =
      r.status === 0 ? ((JSON.parse(r.stdout) as { running_nodes?: string[] }).running_nodes ?? []) : [];
    if (nodes.every((n) => running.includes(n.name))) break;
    if (Date.now() > until) throw new Error(`cluster did not form: ${r.stdout}${r.stderr}`);
    await sleep(500);
  }
  // …and every node is a member of the client-id registry
  for (;;) {
    const r = ctl(nodes[0], ['eval', 'ra:members({mqtt_node, node()}).']);
    if (r.status === 0 && nodes.every((n) => r.stdout.includes(`'${n.name}'`) || r.stdout.includes(n.name)))
      break;
    if (Date.now() > until) throw new Error(`MQTT client-id registry incomplete: ${r.stdout}${r.stderr}`);
    await sleep(500);
  }

  // A device's command subscription (clean session, QoS 1) is a classic durable queue on the node
  // it connected to. When that node dies, the queue's record stays behind and every node refuses to
  // declare it again — the device could not reconnect anywhere until the node came back. Mirrored
  // on a second node, it is promoted there instead.
  const policy = ctl(nodes[0], [
    'set_policy',
    '--apply-to',
    'queues',
    'mqtt-subscriptions',
    '^mqtt-subscription-',
    JSON.stringify({ 'ha-mode': 'exactly', 'ha-params': 2, 'ha-promote-on-failure': 'always' }),
  ]);
  if (policy.status !== 0) throw new Error(`set_policy: ${policy.stdout}${policy.stderr}`);
  const url = (scheme: string, port: number) =>
    `${scheme}://${encodeURIComponent(cfg.user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  // The ingest queue exists before any device is let in: a message the exchange routes nowhere
  // would be confirmed — and acknowledged to the device — without being kept.
  const amqp = await connect(url('amqp', nodes[0].amqpPort));
  try {
    await declareIngestQueue(await amqp.createChannel(), o.ingestQueue);
  } finally {
    await amqp.close();
  }
  return {
    nodes,
    user: cfg.user,
    password,
    mqttUrls: nodes.map((n) => `mqtt://127.0.0.1:${n.mqttPort}`).join(','),
    amqpUrls: nodes.map((n) => url('amqp', n.amqpPort)).join(','),
    kill(index) {
      const n = nodes[index];
      if (n.child?.pid) process.kill(-n.child.pid, 'SIGKILL');
    },
    async restart(index) {
      const n = nodes[index];
      if (n.child) throw new Error(`${n.name} is running`);
      launch(n);
      await serving(n, 120_000);
    },
    async stop() {
      stopping = true;
      await Promise.all(
        nodes.map(async (n) => {
          const child = n.child;
          if (!child?.pid) return;
          const exited = new Promise((r) => child.once('exit', r));
          process.kill(-child.pid, 'SIGTERM');
          await Promise.race([exited, sleep(20_000)]);
          if (n.child === child) process.kill(-child.pid, 'SIGKILL');
        }),
      );
    },
  };
}
