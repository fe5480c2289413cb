import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { SYSTEM_PRINCIPAL } from '@liftwatch/access';
import { DevicesService } from '@liftwatch/registry';
import { type DeviceCredentials, Fleet } from '../../../../device-sim/src';
import { type DemoFleetHandle } from './demo-controls';
import { DEMO_REGISTRATION_CODES } from './demo-fleet.seed';

export interface DemoLog {
  info(msg: string): void;
  warn(msg: string): void;
}

/**
 * Gives every demo elevator a controller and runs them as simulated devices against this
 * process's broker. Device secrets are shown only once by the API, so the demo keeps them in
 * DATA_DIR/demo-devices.json to reuse after a restart.
 */
/**
 * Gives every demo elevator a controller (device) and keeps the credentials — the API shows a
 * secret only once — in DATA_DIR/demo-devices.json, to reuse after a restart.
 */
export async function provisionDemoDevices(
  app: INestApplication,
  dataDir: string,
): Promise<DeviceCredentials[]> {
  const file = join(dataDir, 'demo-devices.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as DeviceCredentials[];
  const ds = app.get<DataSource>(getDataSourceToken());
  const elevators: Array<{ id: string; floors: number; registration_code: string }> = await ds.query(
    `SELECT e.id, u.floor_count AS floors, e.registration_code FROM elevators e JOIN units u ON u.id = e.unit_id
      WHERE e.registration_code = ANY($1::text[]) ORDER BY e.registration_code`,
    [DEMO_REGISTRATION_CODES],
  );
  const devices = app.get(DevicesService);
  const credentials: DeviceCredentials[] = [];
  for (const e of elevators) {
    const serial = `DEMO-${e.registration_code.slice(-6)}`;
    const created = await devices.create(SYSTEM_PRINCIPAL, { serial, elevatorId: e.id, firmware: 'sim-1.0' });
    credentials.push({ serial, secret: created.secret, elevatorId: e.id, floors: e.floors });
  }
  await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

/** Runs the demo elevators' simulated controllers against this process's broker. */
export async function startDemoDevices(
  app: INestApplication,
  dataDir: string,
  mqttUrl: string,
  log: DemoLog,
): Promise<DemoFleetHandle> {
  const file = join(dataDir, 'demo-devices.json');
  const credentials = await provisionDemoDevices(app, dataDir);
  // Each meter carries on from its last stored reading (the seeded history), so the first live
  // reading is a small step and not a jump the daily energy would show as a spike.
  const last: Array<{ serial: string; kwh: string }> = await app.get<DataSource>(getDataSourceToken()).query(
    `SELECT DISTINCT ON (d.serial) d.serial, m.kwh FROM meter_readings m JOIN devices d ON d.id = m.device_id
      WHERE d.serial = ANY($1::text[]) ORDER BY d.serial, m.ts DESC, m.seq DESC`,
    [credentials.map((c) => c.serial)],
  );
  const fleet = new Fleet({
    url: mqttUrl,
    devices: credentials,
    meterKwh: new Map(last.map((r) => [r.serial, Number(r.kwh)])),
    statusIntervalMs: 2000,
    heartbeatIntervalMs: 30_000,
    meterIntervalMs: 60_000,
  });
  // A simulated controller the broker refuses (its secret was rotated through the API, or the
  // device revoked) stays off, as a real one would; the platform carries on.
  const report = await fleet.start();
  for (const f of report.failed) {
    log.warn(
      `demo: simulated controller ${f.serial} could not connect (${f.error}); its secret was probably ` +
        `changed through the API or the device revoked — it stays off (credentials in ${file})`,
    );
  }
  log.info(
    `demo: ${report.connected} of ${credentials.length} simulated controllers connected to ${mqttUrl}`,
  );
  return { fleet, devices: credentials };
}
