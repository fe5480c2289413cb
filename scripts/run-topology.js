#!/usr/bin/env node
// npm run topology [-- --broker mosquitto|rabbitmq] — the scale-out topology on one machine,
// supervised: WORKERS ingest workers · APIS api replicas on Redis · and the broker:
//   mosquitto (default) — one Mosquitto of its own (config below);
//   rabbitmq — a three-node RabbitMQ cluster of its own (scripts/cluster/rabbitmq-cluster.ts):
//     devices speak MQTT to any node (MQTT_URL lists them all), the workers consume one quorum
//     queue over AMQP, device auth and topic ACL are the cluster's through api-1's HTTP hooks;
//     a node that dies is started again after 5 s (BROKER_NODES=N for another size).
// Needs DATABASE_URL (a PostgreSQL server; every process shares it), a `mosquitto` binary and a
// Redis (REDIS_URL, default redis://127.0.0.1:6379). A process that dies is restarted after 1 s
// with the same environment — an ingest worker with the same MQTT client id, so its persistent
// session (what it had not acknowledged) comes back to it. Ctrl-C stops everything.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/liftwatch npm run topology
//
// Devices: mqtt://127.0.0.1:$MQTT_PORT (default 1885). This Mosquitto lets any client in (Debian
// has no package of mosquitto-go-auth): for devices outside this machine use
// deploy/brokers/mosquitto-go-auth.conf or EMQX (docs/operations.md).
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { chmodSync, existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const main = join(root, 'dist/apps/platform/src/main.js');
const env = process.env;
const fail = (m) => {
  process.stderr.write(`topology: ${m}\n`);
  process.exit(2);
};
if (!env.DATABASE_URL) fail('set DATABASE_URL (a PostgreSQL server all processes share)');
if (!existsSync(main)) fail('run `npm run build` first');
const { PLATFORM_NODE_FLAGS } = require(join(root, 'dist/libs/config/src/node-flags.js'));
const workers = Number(env.WORKERS ?? 2);
const apis = Number(env.APIS ?? 2);
const mqttPort = Number(env.MQTT_PORT ?? 1885);
const httpBase = Number(env.HTTP_BASE_PORT ?? 3000);
const dir = resolve(env.TOPOLOGY_DIR ?? join(root, '.data', 'topology'));
const brokerArg = process.argv.indexOf('--broker');
const broker = brokerArg >= 0 ? process.argv[brokerArg + 1] : (env.TOPOLOGY_BROKER ?? 'mosquitto');
if (!['mosquitto', 'rabbitmq'].includes(broker)) fail(`--broker ${broker}: mosquitto or rabbitmq`);
let clusterBoot = null; // the RabbitMQ cluster starting or started (--broker rabbitmq)
mkdirSync(dir, { recursive: true });
// Started as root, Mosquitto drops to its own user: let it write its persistence file here.
if (process.getuid?.() === 0) chmodSync(dir, 0o777);

const common = {
  PATH: env.PATH ?? '',
  HOME: env.HOME ?? '',
  NODE_ENV: env.NODE_ENV ?? 'development',
  DATABASE_URL: env.DATABASE_URL,
  MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
  // every process must sign and check the same tokens
  JWT_SECRET: env.JWT_SECRET ?? randomBytes(32).toString('hex'),
  LOG_LEVEL: env.LOG_LEVEL ?? 'info',
  ...(env.ADMIN_PASSWORD ? { ADMIN_PASSWORD: env.ADMIN_PASSWORD } : {}),
  ...(env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: env.DATABASE_POOL_SIZE } : {}),
};

const conf = join(dir, 'mosquitto.conf');
writeFileSync(
  conf,
  [
    `listener ${mqttPort}`,
    'allow_anonymous true',
    // the workers' sessions survive a broker restart too
    'persistence true',
    `persistence_location ${dir}/`,
    // what a worker has not acknowledged (it does so after its commit) and what waits for it
    'max_inflight_messages 10000',
    'max_queued_messages 1000000',
    '',
  ].join('\n'),
);

const children = new Map();
let stopping = false;

/** Creates DATABASE_URL's database when the server does not have it yet (a first run). */
async function ensureDatabase(url) {
  const { Client } = require('pg');
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) return; // anything unusual is the operator's to create
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await c.query(`CREATE DATABASE ${name}`);
      process.stdout.write(`topology: created database ${name}\n`);
    }
  } finally {
    await c.end();
  }
}

function start(name, command, args, childEnv) {
  const child = spawn(command, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(name, child);
  process.stdout.write(`topology: ${name} pid ${child.pid}\n`);
  const prefix = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) out.write(`${name.padEnd(9)} | ${l}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    process.stderr.write(`topology: ${name} exited (${signal ?? code}); restarting in 1 s\n`);
    setTimeout(() => !stopping && start(name, command, args, childEnv), 1000);
  });
}

function startApis(extra) {
  for (let i = 1; i <= apis; i++) {
    start(`api-${i}`, process.execPath, [...PLATFORM_NODE_FLAGS, main, '--role', 'api'], {
      ...common,
      ...extra,
      HTTP_PORT: String(httpBase + i),
      REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    });
  }
}

async function startRabbitmq() {
  const clusterModule = join(root, 'dist/scripts/cluster/rabbitmq-cluster.js');
  if (!existsSync(clusterModule)) fail('run `npm run build` first');
  const { hasRabbitmq, startRabbitCluster } = require(clusterModule);
  if (!hasRabbitmq())
    fail("--broker rabbitmq needs Debian's rabbitmq-server package (/usr/lib/rabbitmq/bin)");
  const hookSecret = env.BROKER_HOOK_SECRET ?? randomBytes(24).toString('hex');
  const clusterDir = join(dir, 'rabbitmq');
  // Erlang node names are machine-wide (epmd): a prefix of this folder's own
  const prefix = `lw${require('node:crypto').createHash('sha1').update(clusterDir).digest('hex').slice(0, 6)}n`;
  process.stdout.write(
    `topology: starting a ${Number(env.BROKER_NODES ?? 3)}-node RabbitMQ cluster in ${clusterDir}\n`,
  );
  clusterBoot = startRabbitCluster({
    dir: clusterDir,
    nodes: Number(env.BROKER_NODES ?? 3),
    hookBaseUrl: `http://127.0.0.1:${httpBase + 1}`,
    hookSecret,
    namePrefix: prefix,
    restartAfterMs: 5000,
    log: (line) => process.stderr.write(`rabbitmq  | ${line}\n`),
  });
  const cluster = await clusterBoot;
  for (const n of cluster.nodes)
    process.stdout.write(
      `topology: rabbit-${n.index + 1} ${n.name} pid ${n.pid} mqtt://127.0.0.1:${n.mqttPort} amqp port ${n.amqpPort}\n`,
    );
  // the api replicas answer the cluster's auth hooks and send commands through it
  startApis({
    BROKER_HOOK_SECRET: hookSecret,
    MQTT_URL: cluster.mqttUrls,
    MQTT_USERNAME: cluster.user,
    MQTT_PASSWORD: cluster.password,
  });
  for (let i = 1; i <= workers; i++) {
    start(`ingest-${i}`, process.execPath, [...PLATFORM_NODE_FLAGS, main, '--role', 'ingest'], {
      ...common,
      HTTP_PORT: String(httpBase + 100 + i),
      INGEST_SOURCE: 'amqp',
      AMQP_URL: cluster.amqpUrls,
    });
  }
  return cluster.mqttUrls;
}

async function startAll() {
  let devicesUrl = `mqtt://127.0.0.1:${mqttPort}`;
  if (broker === 'rabbitmq') devicesUrl = await startRabbitmq();
  else {
    start('mosquitto', 'mosquitto', ['-c', conf], { PATH: env.PATH ?? '' });
    await new Promise((r) => setTimeout(r, 500)); // let the broker listen before the workers connect
    for (let i = 1; i <= workers; i++) {
      start(`ingest-${i}`, process.execPath, [...PLATFORM_NODE_FLAGS, main, '--role', 'ingest'], {
        ...common,
        HTTP_PORT: String(httpBase + 100 + i),
        MQTT_SHARED_GROUP: 'ingest',
        MQTT_CLIENT_ID: `liftwatch-ingest-${i}`,
        MQTT_CLEAN_SESSION: 'false',
      });
    }
    startApis({});
  }
  process.stdout.write(
    [
      `topology: devices → ${devicesUrl}`,
      `topology: dashboard/API → ${Array.from({ length: apis }, (_, i) => `http://127.0.0.1:${httpBase + i + 1}`).join(', ')}`,
      `topology: ingest workers' health/metrics → ${Array.from({ length: workers }, (_, i) => `http://127.0.0.1:${httpBase + 101 + i}`).join(', ')}`,
      '',
    ].join('\n'),
  );
}

function stopAll() {
  if (stopping) return;
  stopping = true;
  process.stderr.write('topology: stopping\n');
  // api and workers first (they drain and acknowledge), the broker last
  const order = [...children.keys()].sort((a, b) => (a === 'mosquitto') - (b === 'mosquitto'));
  const wait = (c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)));
  void (async () => {
    const apps = order.filter((n) => n !== 'mosquitto').map((n) => children.get(n));
    for (const c of apps) c?.kill('SIGTERM');
    await Promise.all(apps.map((c) => c && wait(c)));
    const mosquitto = children.get('mosquitto');
    mosquitto?.kill('SIGTERM');
    if (mosquitto) await wait(mosquitto);
    const cluster = clusterBoot && (await clusterBoot.catch(() => null));
    if (cluster) await cluster.stop();
    process.exit(0);
  })();
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

ensureDatabase(env.DATABASE_URL).then(
  () => startAll().catch((err) => fail(err instanceof Error ? err.message : String(err))),
  (err) => fail(`cannot reach DATABASE_URL: ${err instanceof Error ? err.message : String(err)}`),
);
