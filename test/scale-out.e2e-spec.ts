import { type DeviceCredentials, SimulatedController } from '../device-sim/src';
import { type PlatformProcess, startPlatformProcess } from './support/platform-process';
import { provisionSimDevices } from './support/sim';
import { startTestApp, testDatabaseUrl, type TestApp } from './support/test-app';
import { hasMosquitto, type ServiceProcess, startMosquitto } from './support/brokers';
import { metricValue, waitFor } from './support/wait';

/**
 * Scale-out on real parts (issue 15): two ingest worker processes share one subscription
 * (`$share/<group>/lw/v1/+/+`) on a Mosquitto broker, writing into the shared PostgreSQL. One is
 * killed (-9) under load and comes back with its client id (its persistent session holds what it
 * had not acknowledged): every sample is stored once, and an entrapment running across the kill
 * raises one alarm.
 */
(hasMosquitto() ? describe : describe.skip)('two ingest workers on a shared subscription (Mosquitto)', () => {
  let api: TestApp;
  let broker: ServiceProcess;
  let devices: DeviceCredentials[];
  const workers: PlatformProcess[] = [];
  const killed: PlatformProcess[] = [];
  const group = `scale${Date.now().toString(36)}`;

  const startWorker = (name: string): Promise<PlatformProcess> =>
    startPlatformProcess({
      args: ['--role', 'ingest'],
      env: {
        DATABASE_URL: testDatabaseUrl(),
        MQTT_URL: broker.url,
        MQTT_SHARED_GROUP: group,
        MQTT_CLIENT_ID: `${group}-${name}`,
        MQTT_CLEAN_SESSION: 'false',
        JWT_SECRET: 'scale-out-test-secret-0123456789-abcdef',
        ALARM_ENTRAPMENT_SECONDS: '3',
        LOG_LEVEL: 'warn',
      },
    });

  beforeAll(async () => {
    broker = await startMosquitto();
    api = await startTestApp();
    devices = await provisionSimDevices(api, await api.listen(), 12);
    workers.push(await startWorker('a'), await startWorker('b'));
  }, 180_000);

  afterAll(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    await api?.close();
    await broker?.stop();
  });

  it('should store every sample once and raise one alarm per incident when a worker is killed under load', async () => {
    const controllers = devices.map(
      (d) =>
        new SimulatedController({
          url: broker.url,
          serial: d.serial,
          secret: d.secret,
          floors: d.floors,
          statusIntervalMs: 25, // 12 devices × 40/s
          heartbeatIntervalMs: 0,
          meterIntervalMs: 0,
          reportEvents: false, // the workers must find the entrapment from the samples
          bufferLimit: 1_000_000,
          mqtt: { reconnectPeriod: 200 },
        }),
    );
    const trapped = devices[0];
    try {
      await Promise.all(controllers.map((c) => c.start()));
      await new Promise((r) => setTimeout(r, 1500));
      controllers[0].injectEntrapment(7);
      await new Promise((r) => setTimeout(r, 1500));
      const [a] = workers;
      if (a) killed.push(a);
      a?.child.kill('SIGKILL');
      await waitFor(() => a?.exited() !== null, 10_000, 'worker a gone');
      await new Promise((r) => setTimeout(r, 2000));
      workers[0] = await startWorker('a'); // same client id: its session comes back
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      for (const c of controllers) await c.stop();
    }
    // Only status samples carry a sequence number here (no events; heartbeats and meter readings
    // are off: each would take a number of its own), so the samples are 1..lastSeq.
    const sent = new Map(controllers.map((c, i) => [devices[i]?.elevatorId, c.lastSeq]));
    const stored = async (): Promise<Array<{ e: string; n: number; d: number; max: number }>> =>
      (
        await api.db.query<Array<{ e: string; n: string; d: string; max: string }>>(
          `SELECT elevator_id AS e, count(*) AS n, count(DISTINCT seq) AS d, max(seq) AS max
             FROM telemetry_status WHERE elevator_id = ANY($1::uuid[]) GROUP BY elevator_id`,
          [[...sent.keys()]],
        )
      ).map((r) => ({ e: r.e, n: Number(r.n), d: Number(r.d), max: Number(r.max) }));
    await waitFor(
      async () => {
        const rows = await stored();
        return rows.length === devices.length && rows.every((r) => r.d === sent.get(r.e));
      },
      60_000,
      'every sample up to the last one stored',
    ).catch(() => undefined); // the expectations below say which elevator misses how many
    const rows = await stored();
    expect(rows).toHaveLength(devices.length);
    for (const r of rows) {
      expect({ elevator: r.e, duplicated: r.n - r.d }).toEqual({ elevator: r.e, duplicated: 0 });
      const missing: number[] = [];
      if (r.d !== sent.get(r.e)) {
        // which ones: their place in the run (before, during or after the kill) says where they went
        const have = new Set(
          (
            await api.db.query<Array<{ seq: string }>>(
              `SELECT seq FROM telemetry_status WHERE elevator_id = $1`,
              [r.e],
            )
          ).map((x) => Number(x.seq)),
        );
        for (let seq = 1; seq <= (sent.get(r.e) ?? 0); seq++) if (!have.has(seq)) missing.push(seq);
        // what the workers said (refusals, failed flushes), the killed one included
        for (const [name, w] of [
          ...killed.map((k) => ['killed', k] as const),
          ...workers.map((w, i) => [`worker ${i}`, w] as const),
        ]) {
          const said = w
            .output()
            .split('\n')
            .filter((l) => /WARN|ERROR|refused|failed/i.test(l));
          console.warn(
            `${name} (elevator ${r.e} misses ${missing.join(', ')}):\n${said.slice(-40).join('\n')}`,
          );
        }
      }
      expect({ elevator: r.e, missing, of: sent.get(r.e) }).toEqual({
        elevator: r.e,
        missing: [],
        of: sent.get(r.e),
      });
    }
    const total = rows.reduce((n, r) => n + r.n, 0);
    expect(total).toBeGreaterThan(devices.length * 100);
    // Both workers took part.
    const committed = async (w: PlatformProcess): Promise<number> =>
      metricValue(
        await (await fetch(`${w.baseUrl}/metrics`)).text(),
        'liftwatch_ingest_rows_committed_total',
        {
          table: 'telemetry_status',
        },
      );
    expect(await committed(workers[1])).toBeGreaterThan(0);
    // One entrapment, one alarm — though its samples went to both workers and one died meanwhile.
    await waitFor(
      async () =>
        (
          await api.db.query<unknown[]>(
            `SELECT 1 FROM alarms WHERE elevator_id = $1 AND type = 'entrapment'`,
            [trapped.elevatorId],
          )
        ).length > 0,
      20_000,
      'the entrapment alarm',
    );
    const alarms = await api.db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM alarms WHERE elevator_id = $1 AND type = 'entrapment'`,
      [trapped.elevatorId],
    );
    expect(Number(alarms[0]?.n)).toBe(1);
  }, 180_000);
});
