import { connect } from 'mqtt';
import {
  type DeviceCredentials,
  type ElevatorSnapshot,
  provisionDevices,
  SimulatedController,
} from '../../device-sim/src';
import { ensureTestRegions } from './fleet.fixture';
import { ADMIN_PASSWORD, type TestApp } from './test-app';

/** A car standing at `floor`, doors closed, nobody inside. */
export function idleSnapshot(floor: number): ElevatorSnapshot {
  return {
    running: false,
    dir: 0,
    floor,
    doorZone: true,
    doorClosed: true,
    passenger: false,
    mode: 1,
    speed: 0,
    load: 0,
  };
}

/** A status sample's payload (protocol v1 JSON) of an idle car at `floor`. */
export function idleStatusPayload(seq: number, floor: number, ts = Date.now()): string {
  return JSON.stringify({ seq, ts, ...idleSnapshot(floor) });
}

/** Registers `n` elevators with a controller each through the app's own REST API. */
export async function provisionSimDevices(
  t: TestApp,
  baseUrl: string,
  n: number,
): Promise<DeviceCredentials[]> {
  await ensureTestRegions(t);
  return provisionDevices({
    api: baseUrl,
    username: 'admin',
    password: ADMIN_PASSWORD,
    count: n,
    regionCode: '440106',
    prefix: `T${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
  });
}

/** A controller that publishes only when the test tells it to (no periodic traffic). */
export function quietController(d: DeviceCredentials, url: string): SimulatedController {
  return new SimulatedController({
    url,
    serial: d.serial,
    secret: d.secret,
    floors: d.floors,
    periodic: false,
  });
}

/** Connects as `serial` with `password` and returns the broker's refusal. */
export function connectRefused(url: string, serial: string, password: string): Promise<Error> {
  return new Promise((resolve) => {
    const client = connect(url, { clientId: serial, username: serial, password, reconnectPeriod: 0 });
    client.on('error', (e) => {
      client.end(true);
      resolve(e);
    });
  });
}
