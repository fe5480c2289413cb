import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AppConfig, ConfigError, loadConfig } from '@liftwatch/config';
import { Fleet, parseFault } from './fleet';
import { demoFault, type DeviceCredentials, provisionDevices } from './provision';

/** Where the platform of this checkout listens: the same environment variables as `npm start`. */
function platformDefaults(config: AppConfig): { api: string; mqtt: string; credentials: string } {
  const host = (h: string): string => (h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h);
  return {
    api: `http://${host(config.http.host)}:${config.http.port}`,
    mqtt: config.mqtt.url ?? `mqtt://${host(config.mqtt.host)}:${config.mqtt.port}`,
    credentials: join(config.dataDir, 'sim-credentials.json'),
  };
}

const HELP = (d: {
  api: string;
  mqtt: string;
  credentials: string;
}): string => `liftwatch device simulator — simulated retrofit elevator controllers over MQTT

Usage: npm run sim -- [options]

Credentials
  --provision N          register N elevators with a controller each through the platform API
                         and save their credentials (needs --api, --username, --password)
  --api URL              platform base URL (default ${d.api}, from HTTP_HOST/HTTP_PORT)
  --username NAME        platform user allowed to register elevators (default demo.admin)
  --password PW          its password (default liftwatch-demo)
  --region CODE          GB/T 2260 county code of the simulated buildings (default 440106)
  --credentials FILE     credentials file to write (--provision) or read
                         (default ${d.credentials}, under DATA_DIR)

Demo (a platform started with npm run demo)
  --demo-fault KIND[:S]  make one of the demo's own controllers report a fault for S seconds
                         (default 120): entrapment, door, power or visit, e.g.
                         npm run sim -- --demo-fault entrapment
                         npm run sim -- --demo-fault entrapment:300 --username firm.hz
  --elevator ID          which demo elevator (default: the first the user may see)

Simulation
  --mqtt URL             broker URL (default ${d.mqtt}, from MQTT_URL or MQTT_HOST/MQTT_PORT)
  --devices N            simulate the first N devices of the credentials file (default all)
  --interval-ms MS       status sample period per device (default 1000; 0 = no samples)
  --heartbeat-ms MS      heartbeat period (default 30000; 0 = no heartbeats)
  --meter-ms MS          energy-meter reading period (default 60000; 0 = no readings)
  --qos 0|1              QoS of status samples (default 1)
  --duration S           stop after S seconds (default 0: run until Ctrl-C)
  --fault SPEC           inject a fault, repeatable: kind:device@at+duration (seconds), kind one of
                         entrapment, door, power, overspeed, drop (connection loss), visit (a
                         maintenance visit: inspection mode, service mode 2); device * = all
                         e.g. --fault entrapment:0@10+120 --fault drop:*@30+20 --fault visit:1@5+600
  --help                 this text

Prints progress every 5 s and a JSON summary at the end.`;

async function main(): Promise<void> {
  let defaults: { api: string; mqtt: string; credentials: string };
  try {
    defaults = platformDefaults(loadConfig(process.env));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean' },
      provision: { type: 'string' },
      api: { type: 'string', default: defaults.api },
      username: { type: 'string', default: 'demo.admin' },
      password: { type: 'string', default: 'liftwatch-demo' },
      region: { type: 'string', default: '440106' },
      credentials: { type: 'string', default: defaults.credentials },
      mqtt: { type: 'string', default: defaults.mqtt },
      devices: { type: 'string' },
      'interval-ms': { type: 'string', default: '1000' },
      'heartbeat-ms': { type: 'string', default: '30000' },
      'meter-ms': { type: 'string', default: '60000' },
      qos: { type: 'string', default: '1' },
      duration: { type: 'string', default: '0' },
      fault: { type: 'string', multiple: true },
      'demo-fault': { type: 'string' },
      elevator: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP(defaults)}\n`);
    return;
  }
  if (values['demo-fault']) {
    const [kind = 'entrapment', seconds = '120'] = values['demo-fault'].split(':');
    const done = await demoFault({
      api: values.api,
      username: values.username,
      password: values.password,
      kind,
      seconds: Number(seconds),
      elevatorId: values.elevator,
    });
    process.stdout.write(
      `${done.kind} for ${done.seconds} s reported by demo controller ${done.serial} (elevator ${done.elevatorId})\n`,
    );
    return;
  }
  const file = values.credentials;
  let credentials: DeviceCredentials[];
  if (values.provision) {
    const count = Number(values.provision);
    if (!Number.isInteger(count) || count < 1) throw new Error('--provision needs a positive integer');
    credentials = await provisionDevices({
      api: values.api,
      username: values.username,
      password: values.password,
      count,
      regionCode: values.region,
      onProgress: (done, total) => {
        if (done % 50 === 0 || done === total) process.stdout.write(`provisioned ${done}/${total}\n`);
      },
    });
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    process.stdout.write(`credentials of ${credentials.length} devices written to ${file}\n`);
  } else {
    if (!existsSync(file)) throw new Error(`no credentials file ${file}; run with --provision N first`);
    credentials = JSON.parse(await readFile(file, 'utf8')) as DeviceCredentials[];
  }
  const n = values.devices ? Number(values.devices) : credentials.length;
  const devices = credentials.slice(0, n);
  if (devices.length === 0) return;

  const period = (name: 'interval-ms' | 'heartbeat-ms' | 'meter-ms'): number => {
    const ms = Number(values[name]);
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`--${name} must be milliseconds, 0 or more`);
    return ms;
  };
  const fleet = new Fleet({
    url: values.mqtt,
    devices,
    qos: values.qos === '0' ? 0 : 1,
    statusIntervalMs: period('interval-ms'),
    heartbeatIntervalMs: period('heartbeat-ms'),
    meterIntervalMs: period('meter-ms'),
    faults: (values.fault ?? []).map(parseFault),
  });
  const started = Date.now();
  const report = await fleet.start((c) => {
    if (c % 500 === 0 || c === devices.length) process.stdout.write(`connected ${c}/${devices.length}\n`);
  });
  for (const f of report.failed.slice(0, 20)) process.stderr.write(`${f.serial}: refused (${f.error})\n`);
  if (report.failed.length > 0) {
    process.stderr.write(`${report.failed.length} of ${devices.length} controllers could not connect\n`);
  }
  if (report.connected === 0) process.exit(1);
  let last = fleet.summary().totals.published;
  const progress = setInterval(() => {
    const s = fleet.summary();
    const rate = (s.totals.published - last) / 5;
    last = s.totals.published;
    process.stdout.write(
      `${Math.round((Date.now() - started) / 1000)}s connected=${s.connected}/${s.devices} published=${s.totals.published} acked=${s.totals.acked} buffered=${s.totals.buffered} rate=${rate.toFixed(0)}/s\n`,
    );
  }, 5000);
  const finish = async (): Promise<void> => {
    clearInterval(progress);
    await fleet.stop();
    process.stdout.write(
      `${JSON.stringify({ seconds: Math.round((Date.now() - started) / 1000), ...fleet.summary() }, null, 2)}\n`,
    );
    process.exit(0);
  };
  process.once('SIGINT', () => void finish());
  process.once('SIGTERM', () => void finish());
  const duration = Number(values.duration);
  if (duration > 0) setTimeout(() => void finish(), duration * 1000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
