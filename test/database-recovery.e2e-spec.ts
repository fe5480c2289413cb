import { Client } from 'pg';
import { type DeviceCredentials, provisionDevices, SimulatedController } from '../device-sim/src';
import { TEST_REGIONS } from './support/fleet.fixture';
import {
  loginTo,
  PROCESS_ADMIN_PASSWORD,
  type PlatformProcess,
  startPlatformProcess,
} from './support/platform-process';
import { waitFor } from './support/wait';

interface HealthBody {
  status: string;
  database: { status: string; supervisor?: { state: string; restarts: number } };
}

/**
 * `kill -9` of the embedded PostgreSQL under load, on the platform as `npm start` runs it: the
 * platform notices, starts the server again (crash recovery keeps what was committed), its pools
 * reconnect and ingest resumes. Meanwhile /health says degraded and nothing is acknowledged;
 * afterwards every sample the devices sent is stored exactly once.
 */
describe('embedded PostgreSQL killed under load', () => {
  let p: PlatformProcess;
  let devices: DeviceCredentials[];
  const controllers: SimulatedController[] = [];

  beforeAll(async () => {
    p = await startPlatformProcess({ env: { INGEST_FLUSH_MS: '20' } });
    const token = await loginTo(p.baseUrl, 'admin', PROCESS_ADMIN_PASSWORD);
    for (const r of TEST_REGIONS) {
      await fetch(`${p.baseUrl}/api/v1/regions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(r),
      });
    }
    devices = await provisionDevices({
      api: p.baseUrl,
      username: 'admin',
      password: PROCESS_ADMIN_PASSWORD,
      count: 8,
      regionCode: '440106',
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of controllers) await c.stop().catch(() => undefined);
    await p?.stop();
  });

  const health = async (): Promise<{ code: number; body: HealthBody } | undefined> => {
    try {
      const res = await fetch(`${p.baseUrl}/health`);
      return { code: res.status, body: (await res.json()) as HealthBody };
    } catch {
      return undefined;
    }
  };

  it('should restart the server, resume ingest and lose nothing acknowledged', async () => {
    for (const d of devices) {
      const c = new SimulatedController({
        url: p.mqttUrl,
        serial: d.serial,
        secret: d.secret,
        floors: d.floors,
        periodic: false,
        // keepalive well beyond the outage: the broker reads nothing more from a device whose
        // message waits for its commit, so neither side may take the silence for a dead link
        mqtt: { keepalive: 120 },
      });
      controllers.push(c);
      await c.start();
    }
    const sent = new Map<string, number>();
    let load = true;
    const loop = (async () => {
      while (load) {
        for (const c of controllers) {
          c.sampleStatus();
          sent.set(c.serial, (sent.get(c.serial) ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await new Promise((r) => setTimeout(r, 1500));
    const firstPid = p.postmasterPid();
    const killedAt = Date.now();
    process.kill(firstPid, 'SIGKILL');
    const degraded = await waitFor(
      async () => {
        const h = await health();
        return h?.code === 503 ? h.body : undefined;
      },
      10_000,
      '/health to report the outage',
    );
    expect(degraded.status).toBe('degraded');
    expect(degraded.database.status).toBe('down');

    const healthy = await waitFor(
      async () => {
        const h = await health();
        // (the pool can reconnect a moment before the supervisor records the restart as done)
        return h?.code === 200 && h.body.database.supervisor?.state === 'up' ? h.body : undefined;
      },
      60_000,
      'the embedded PostgreSQL to be restarted',
    );
    const recoveredMs = Date.now() - killedAt;
    expect(healthy.database.supervisor).toMatchObject({ state: 'up', restarts: 1 });
    expect(p.postmasterPid()).not.toBe(firstPid);

    await new Promise((r) => setTimeout(r, 1000));
    load = false;
    await loop;
    await waitFor(() => controllers.every((c) => c.inFlight === 0), 60_000, 'every sample acknowledged');

    const db = new Client({ connectionString: p.databaseUrl });
    await db.connect();
    let expected = 0;
    let lost = 0;
    let duplicated = 0;
    try {
      for (const d of devices) {
        const { rows } = await db.query<{ n: string; distinct_seq: string }>(
          `SELECT count(*) AS n, count(DISTINCT seq) AS distinct_seq FROM telemetry_status WHERE elevator_id = $1`,
          [d.elevatorId],
        );
        const want = sent.get(d.serial) ?? 0;
        expected += want;
        lost += want - Number(rows[0]?.distinct_seq);
        duplicated += Number(rows[0]?.n) - Number(rows[0]?.distinct_seq);
      }
    } finally {
      await db.end();
    }
    if (process.env.RELIABILITY_REPORT) {
      process.stdout.write(
        `postgres kill -9: ${expected} samples sent by ${devices.length} devices, ${expected - lost} stored, ` +
          `${lost} lost, ${duplicated} duplicated, recovered in ${recoveredMs} ms\n`,
      );
    }
    expect(expected).toBeGreaterThan(500);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(p.exited()).toBeNull();
  }, 120_000);
});
