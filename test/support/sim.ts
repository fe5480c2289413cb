import { type DeviceCredentials, provisionDevices } from '../../device-sim/src';
import { ensureTestRegions } from './fleet.fixture';
import { ADMIN_PASSWORD, type TestApp } from './test-app';

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
