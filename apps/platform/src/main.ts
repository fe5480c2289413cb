import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { UsersService } from '@liftwatch/access';
import {
  type AppConfig,
  ConfigError,
  heapLimit,
  loadConfig,
  PLATFORM_NODE_FLAGS,
  PROCESS_ROLES,
  redactConfig,
} from '@liftwatch/config';
import { prepareDatabase, StartupError } from '@liftwatch/database';
import { type DemoFleetHandle, mountDemoControls } from './demo/demo-controls';
import { startDemoDevices } from './demo/demo-devices';
import { seedDemoFleet } from './demo/demo-fleet.seed';
import { resolveJwtSecret } from './jwt-secret';
import { createPlatformApp } from './platform.app';

const HELP = `liftwatch platform

Usage: node dist/apps/platform/src/main.js [--role ${PROCESS_ROLES.join('|')}] [--demo]

  --role   which role this process plays (default: ROLE or "all")
  --demo   load the demo fleet (regions, buildings, flats, owners, firms, users) if not loaded
           yet, and run a simulated controller for each demo elevator

Configuration comes from environment variables; see README.md.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, demo: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  let config: AppConfig;
  try {
    config = loadConfig({ ...process.env, ...(values.role ? { ROLE: values.role } : {}) });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({ level: config.log.level, base: { service: 'liftwatch', role: config.role } });
  log.info({ config: redactConfig(config) }, 'starting');
  const heap = heapLimit();
  if (heap.intended) log.info({ heapLimitMiB: heap.limitMiB }, `V8 heap limit ${heap.limitMiB} MiB`);
  else
    log.warn(
      { heapLimitMiB: heap.limitMiB, intendedFlags: PLATFORM_NODE_FLAGS },
      `V8 heap limit ${heap.limitMiB} MiB: started without ${PLATFORM_NODE_FLAGS.join(' ')}, the heap may ` +
        `grow to 4× its live size before a full collection (docs/operations.md, "Memory")`,
    );
  // A promise rejected with nobody listening is a bug to fix, not a reason to stop serving every
  // elevator: log it loudly and keep running. (A synchronous throw still ends the process.)
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled promise rejection (bug): the platform keeps running');
  });

  // This process handles SIGINT/SIGTERM itself (below) and stops the database last.
  const database = await prepareDatabase(
    config,
    { info: (m) => log.info(m), debug: (m) => log.debug(m), warn: (m) => log.warn(m) },
    { callerHandlesSignals: true },
  );
  log.info(
    { database: database.kind, serverVersion: database.serverVersion, storageMode: database.storageMode },
    `database: ${database.kind} PostgreSQL ${database.serverVersion}; storage mode: ${
      database.storageMode === 'timescaledb'
        ? 'TimescaleDB'
        : 'plain PostgreSQL (native partitions, app-maintained rollups)'
    }`,
  );

  const app = await createPlatformApp({ config, database, jwtSecret: await resolveJwtSecret(config) });
  await app.get(UsersService).ensureFirstAdmin(config.auth.adminPassword);
  const demo = values.demo || config.seedDemo;
  if (demo) await seedDemoFleet(app, log, config.dataDir);
  let demoFleet: DemoFleetHandle | null = null;
  if (demo) mountDemoControls(app, () => demoFleet);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await demoFleet?.fleet.stop();
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.listen(config.http.port, config.http.host);
  const shownHost = config.http.host === '0.0.0.0' ? 'localhost' : config.http.host;
  const base = `http://${shownHost}:${config.http.port}`;
  const mqtt = config.role === 'api' || config.mqtt.url ? null : `mqtt://${shownHost}:${config.mqtt.port}`;
  log.info(
    `listening on ${base} — API docs ${base}/api/docs, health ${base}/health${mqtt ? `, devices ${mqtt}` : ''}`,
  );
  if (demo && mqtt) {
    demoFleet = await startDemoDevices(app, config.dataDir, mqtt, log);
    log.info(
      `demo ready: open the dashboard at ${base}/ and sign in as firm.gz / liftwatch-demo (dispatcher) or ` +
        `regulator.gz / liftwatch-demo; trap passengers in a demo elevator with ` +
        `npm run sim -- --demo-fault entrapment; API docs at ${base}/api/docs`,
    );
  }
}

main().catch((err: unknown) => {
  if (err instanceof StartupError) process.stderr.write(`cannot start: ${err.message}\n`);
  else process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
