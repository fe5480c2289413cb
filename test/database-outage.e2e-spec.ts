import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { type DeviceCredentials, SimulatedController } from '../device-sim/src';
import { IngestService } from '@liftwatch/telemetry';
import { provisionSimDevices } from './support/sim';
import { startTestApp, testDatabaseUrl, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** A TCP proxy in front of PostgreSQL that can cut every connection and refuse new ones. */
async function cuttableProxy(
  target: URL,
): Promise<{ port: number; cut(down: boolean): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    cut: (d) => {
      down = d;
      if (d) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * With DATABASE_URL, the connection to the database is lost under load: nothing is acknowledged
 * while it is gone, the pools reconnect once it is back, and every sample is stored exactly once.
 */
describe('external database connection lost under load', () => {
  let t: TestApp;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
  let devices: DeviceCredentials[];
  const controllers: SimulatedController[] = [];

  beforeAll(async () => {
    const real = new URL(testDatabaseUrl());
    proxy = await cuttableProxy(real);
    const viaProxy = new URL(real);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    t = await startTestApp({ DATABASE_URL: viaProxy.toString(), INGEST_FLUSH_MS: '20' });
    const ports = await t.startBroker();
    devices = await provisionSimDevices(t, await t.listen(), 4);
    for (const d of devices) {
      const c = new SimulatedController({
        url: `mqtt://127.0.0.1:${ports.tcpPort}`,
        serial: d.serial,
        secret: d.secret,
        floors: d.floors,
        periodic: false,
        mqtt: { keepalive: 120 },
      });
      controllers.push(c);
      await c.start();
    }
  });

  afterAll(async () => {
    for (const c of controllers) await c.stop().catch(() => undefined);
    proxy.cut(false);
    await t.close();
    await proxy.close();
  });

  it('should acknowledge nothing while the database is unreachable and store everything once it is back', async () => {
    const sent = new Map<string, number>();
    const sample = (): void => {
      for (const c of controllers) {
        c.sampleStatus();
        sent.set(c.serial, (sent.get(c.serial) ?? 0) + 1);
      }
    };
    for (let i = 0; i < 20; i++) sample();
    await waitFor(() => controllers.every((c) => c.inFlight === 0), 10_000, 'acks before the outage');

    proxy.cut(true);
    for (let i = 0; i < 30; i++) {
      sample();
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 1500));
    // Not one of the samples sent during the outage was acknowledged.
    expect(controllers.reduce((n, c) => n + c.inFlight, 0)).toBe(30 * controllers.length);
    const health = await t.http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body.database.status).toBe('down');
    // …while liveness stays up: an orchestrator must not restart a replica for the database's sake.
    await t.http().get('/health/live').expect(200);

    proxy.cut(false);
    await waitFor(() => controllers.every((c) => c.inFlight === 0), 30_000, 'acks after the outage');
    await t.app.get(IngestService).drain();
    for (const d of devices) {
      const [row] = await t.db.query<Array<{ n: string; distinct_seq: string }>>(
        `SELECT count(*) AS n, count(DISTINCT seq) AS distinct_seq FROM telemetry_status WHERE elevator_id = $1`,
        [d.elevatorId],
      );
      expect({ stored: Number(row.n), distinct: Number(row.distinct_seq) }).toEqual({
        stored: sent.get(d.serial),
        distinct: sent.get(d.serial),
      });
    }
    await t.http().get('/health').expect(200);
  });
});
