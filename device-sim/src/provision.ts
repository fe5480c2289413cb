/** Credentials of one simulated controller (what a real one keeps in its configuration). */
export interface DeviceCredentials {
  serial: string;
  secret: string;
  elevatorId: string;
  floors: number;
}

export interface ProvisionOptions {
  /** platform base URL, e.g. http://localhost:3000 */
  api: string;
  username: string;
  password: string;
  count: number;
  /** GB/T 2260 county code for the simulated buildings (must exist, with its parents) */
  regionCode?: string;
  prefix?: string;
  onProgress?: (done: number, total: number) => void;
}

export async function call<T>(
  api: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${api}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * On a platform started with `--demo`: makes one of the demo's own simulated controllers report a
 * fault (an entrapment by default) through `POST /api/v1/demo/faults`, as `username`.
 */
export async function demoFault(o: {
  api: string;
  username: string;
  password: string;
  kind: string;
  seconds: number;
  elevatorId?: string;
}): Promise<{ elevatorId: string; serial: string; kind: string; seconds: number }> {
  const { accessToken } = await call<{ accessToken: string }>(o.api, null, 'POST', '/auth/login', {
    username: o.username,
    password: o.password,
  });
  return call(o.api, accessToken, 'POST', '/demo/faults', {
    kind: o.kind,
    seconds: o.seconds,
    ...(o.elevatorId ? { elevatorId: o.elevatorId } : {}),
  });
}

/**
 * Registers `count` elevators (one building of up to 8 units per 8 devices, 6–9 floors) with one
 * controller each through the platform's REST API, as an admin or a maintenance firm would.
 */
export async function provisionDevices(o: ProvisionOptions): Promise<DeviceCredentials[]> {
  const { accessToken: token } = await call<{ accessToken: string }>(o.api, null, 'POST', '/auth/login', {
    username: o.username,
    password: o.password,
  });
  const region = o.regionCode ?? '440106';
  const prefix = o.prefix ?? `SIM${Date.now().toString(36).toUpperCase()}`;
  const out: DeviceCredentials[] = [];
  let buildingId = '';
  for (let i = 0; i < o.count; i++) {
    if (i % 8 === 0) {
      const b = await call<{ id: string }>(o.api, token, 'POST', '/buildings', {
        regionCode: region,
        community: `仿真小区 ${prefix}`,
        name: `${Math.floor(i / 8) + 1}栋`,
        address: `仿真路 ${Math.floor(i / 8) + 1} 号`,
      });
      buildingId = b.id;
    }
    const floors = 6 + (i % 4);
    const unit = await call<{ id: string }>(o.api, token, 'POST', '/units', {
      buildingId,
      name: `${(i % 8) + 1}单元`,
      floorCount: floors,
    });
    const serialNo = String(i + 1).padStart(6, '0');
    const registrationCode = `3110${region}${String(Date.now()).slice(-6)}${String(i % 10000).padStart(4, '0')}`;
    const elevator = await call<{ id: string }>(o.api, token, 'POST', '/elevators', {
      unitId: unit.id,
      registrationCode,
      servedFloors: Array.from({ length: floors }, (_, k) => k + 1),
      ratedLoadKg: 630,
      ratedSpeedMps: 1,
    });
    const serial = `${prefix}-${serialNo}`;
    const created = await call<{ secret: string }>(o.api, token, 'POST', '/devices', {
      serial,
      elevatorId: elevator.id,
    });
    out.push({ serial, secret: created.secret, elevatorId: elevator.id, floors });
    o.onProgress?.(i + 1, o.count);
  }
  return out;
}
