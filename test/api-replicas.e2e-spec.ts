import { connect, type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { type DeviceCredentials } from '../device-sim/src';
import {
  hasMosquitto,
  hasRedisServer,
  type ServiceProcess,
  startMosquitto,
  startRedis,
} from './support/brokers';
import { type PlatformProcess, startPlatformProcess } from './support/platform-process';
import { idleSnapshot, provisionSimDevices, quietController } from './support/sim';
import { startTestApp, TEST_JWT_SECRET, testDatabaseUrl, type TestApp } from './support/test-app';
import { metricValue, waitFor } from './support/wait';

interface PushedAlarm {
  id: string;
  conditionClearedTs?: string | null;
  elevatorId: string;
  type: string;
  status: string;
}

/**
 * Scale-out of the api role (issue 15), on real parts: one ingest worker and two api replicas
 * (`--role`) against a Mosquitto, PostgreSQL and a Redis of the test's own. The replicas share
 * socket.io rooms through the Redis adapter: what one replica or the worker commits reaches the
 * sockets of both, once; commands and revocations work from either replica.
 */
(hasMosquitto() && hasRedisServer() ? describe : describe.skip)('api replicas with the Redis adapter', () => {
  let app: TestApp;
  let broker: ServiceProcess;
  let redis: ServiceProcess;
  let worker: PlatformProcess;
  let api1: PlatformProcess;
  let api2: PlatformProcess;
  let devices: DeviceCredentials[];
  let token: string;
  const sockets: Socket[] = [];
  const clients: MqttClient[] = [];

  const common = (): Record<string, string> => ({
    DATABASE_URL: testDatabaseUrl(),
    MQTT_URL: broker.url,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    [broker, redis] = await Promise.all([startMosquitto(), startRedis()]);
    app = await startTestApp();
    devices = await provisionSimDevices(app, await app.listen(), 4);
    token = await app.adminToken();
    const group = `replicas${Date.now().toString(36)}`;
    [worker, api1, api2] = await Promise.all([
      startPlatformProcess({
        args: ['--role', 'ingest'],
        env: {
          ...common(),
          MQTT_SHARED_GROUP: group,
          MQTT_CLIENT_ID: `${group}-w`,
          MQTT_CLEAN_SESSION: 'true',
        },
      }),
      startPlatformProcess({ args: ['--role', 'api'], env: { ...common(), REDIS_URL: redis.url } }),
      startPlatformProcess({ args: ['--role', 'api'], env: { ...common(), REDIS_URL: redis.url } }),
    ]);
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const c of clients) c.end(true);
    for (const p of [worker, api1, api2]) await p?.stop().catch(() => undefined);
    await app?.close();
    await Promise.all([broker?.stop(), redis?.stop()]);
  });

  /** A plain MQTT client connected as device `d` (closed after the suite). */
  async function connectAs(d: DeviceCredentials): Promise<MqttClient> {
    const device = connect(broker.url, {
      clientId: d.serial,
      username: d.serial,
      password: d.secret,
      reconnectPeriod: 0,
    });
    clients.push(device);
    await new Promise<void>((resolve, reject) => {
      device.once('connect', () => resolve());
      device.once('error', reject);
    });
    return device;
  }

  /** A dashboard socket on `replica` that joined `elevatorId`, recording what it is pushed. */
  async function watch(
    replica: PlatformProcess,
    elevatorId: string,
  ): Promise<{
    alarms: PushedAlarm[];
    states: Array<{ elevatorId: string; floor: number | null; status?: string }>;
  }> {
    const socket = io(`${replica.baseUrl}/live`, { auth: { token }, transports: ['websocket'] });
    sockets.push(socket);
    const seen = {
      alarms: [] as PushedAlarm[],
      states: [] as Array<{ elevatorId: string; floor: number | null }>,
    };
    socket.on('alarm', (a: PushedAlarm) => seen.alarms.push(a));
    socket.on('state', (s: { elevatorId: string; floor: number | null; status?: string }) =>
      seen.states.push(s),
    );
    const ack = (await socket.timeout(5000).emitWithAck('join', { elevatorId })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    return seen;
  }

  it('should push what the worker commits to sockets on both replicas, and an acknowledgement made on one to the other, once each', async () => {
    const d = devices[0];
    const on1 = await watch(api1, d.elevatorId);
    const on2 = await watch(api2, d.elevatorId);
    const c = quietController(d, broker.url);
    try {
      await c.start();
      c.publishStatus(idleSnapshot(4));
      await waitFor(() => on2.states.some((s) => s.floor === 4), 15_000, 'the state on replica #2');
      await waitFor(() => on1.states.some((s) => s.floor === 4), 15_000, 'the state on replica #1');

      c.event('11', 'set'); // passengers trapped: the worker raises the alarm
      const raised = (seen: { alarms: PushedAlarm[] }): PushedAlarm[] =>
        seen.alarms.filter((a) => a.type === 'entrapment' && a.status === 'open');
      await waitFor(() => raised(on1).length > 0 && raised(on2).length > 0, 15_000, 'the alarm on both');
      const alarmId = raised(on2)[0]?.id ?? '';

      // Acknowledged through replica #1's REST API: replica #1 alone knows; Redis carries it to #2.
      const res = await fetch(`${api1.baseUrl}/api/v1/alarms/${alarmId}/acknowledge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ note: 'on our way' }),
      });
      expect(res.status).toBe(200);
      const acked = (seen: { alarms: PushedAlarm[] }): PushedAlarm[] =>
        seen.alarms.filter((a) => a.id === alarmId && a.status === 'acknowledged');
      await waitFor(
        () => acked(on2).length > 0 && acked(on1).length > 0,
        15_000,
        'the acknowledgement on both',
      );
      await new Promise((r) => setTimeout(r, 1000)); // anything duplicated would have arrived by now
      for (const seen of [on1, on2]) {
        expect(raised(seen).filter((a) => a.id === alarmId)).toHaveLength(1);
        expect(acked(seen)).toHaveLength(1);
      }

      c.event('11', 'clear');

      // Each replica keeps every elevator's fleet status (trapped, fault …) from the alarms it
      // hears of. A door fault reported to the worker shows as `fault` on both; resolved through
      // replica #1, replica #2's sockets see the elevator idle again — its fleet status heard of
      // the resolution through Redis too (not only its sockets).
      const status = (seen: { states: Array<{ status?: string }> }): string | undefined =>
        seen.states[seen.states.length - 1]?.status;
      c.event('02', 'set'); // door fails to close
      await waitFor(() => status(on1) === 'fault' && status(on2) === 'fault', 15_000, 'fault on both');
      const faultAlarm = (): PushedAlarm | undefined =>
        on2.alarms.find((a) => a.type !== 'entrapment' && a.status === 'open');
      await waitFor(() => faultAlarm() !== undefined, 15_000, 'the door fault alarm on #2');
      const fault = faultAlarm();
      // (not cleared by the device: a door fault that clears closes itself, in the worker)
      for (const action of ['acknowledge', 'resolve']) {
        const res = await fetch(`${api1.baseUrl}/api/v1/alarms/${fault?.id}/${action}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ note: 'door sensor replaced' }),
        });
        expect({ action, status: res.status }).toEqual({ action, status: 200 });
      }
      await waitFor(() => status(on1) === 'idle' && status(on2) === 'idle', 15_000, 'idle on both replicas');
      // …and stays so for the next sample the worker commits, which each replica dresses with its
      // own fleet status: replica #2's must have heard of the resolution itself.
      c.publishStatus(idleSnapshot(5));
      const at5 = (seen: { states: Array<{ floor: number | null; status?: string }> }): string | undefined =>
        seen.states.find((st) => st.floor === 5)?.status;
      await waitFor(
        () => at5(on1) !== undefined && at5(on2) !== undefined,
        15_000,
        'the next sample on both',
      );
      expect([at5(on1), at5(on2)]).toEqual(['idle', 'idle']);
    } finally {
      await c.stop();
    }
  }, 60_000);

  it('should deliver a command sent through replica #2 to the device', async () => {
    const d = devices[1];
    const device = await connectAs(d);
    await device.subscribeAsync(`lw/v1/${d.serial}/cmd`, { qos: 1 });
    const received = new Promise<string>((resolve) => device.on('message', (_t, p) => resolve(p.toString())));
    const [row] = await app.db.query<Array<{ id: string }>>('SELECT id FROM devices WHERE serial = $1', [
      d.serial,
    ]);
    const res = await fetch(`${api2.baseUrl}/api/v1/devices/${row?.id}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ heartbeatIntervalS: 45 }),
    });
    expect(res.status).toBe(202);
    expect(JSON.parse(await received)).toEqual({ cmd: 'config', heartbeatIntervalS: 45 });
  });

  it('should disconnect a device revoked through replica #1 from the broker, and the worker refuse its messages at once', async () => {
    const d = devices[2];
    const device = await connectAs(d);
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    const refused = async (): Promise<number> =>
      metricValue(
        await (await fetch(`${worker.baseUrl}/metrics`)).text(),
        'liftwatch_ingest_rejected_total',
        {
          reason: 'unknown_device',
        },
      );
    const before = await refused();
    const [row] = await app.db.query<Array<{ id: string }>>('SELECT id FROM devices WHERE serial = $1', [
      d.serial,
    ]);
    const res = await fetch(`${api1.baseUrl}/api/v1/devices/${row?.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    await closed; // taken over by the platform's connection with the device's client id

    // This test's broker lets anyone in (no auth hooks), so the device can come back; the worker,
    // told through the database, refuses what it sends — well before its 30 s directory reload.
    const again = connect(broker.url, {
      clientId: d.serial,
      username: d.serial,
      password: d.secret,
      reconnectPeriod: 0,
    });
    clients.push(again);
    await new Promise<void>((resolve) => again.once('connect', () => resolve()));
    const c = quietController(d, broker.url);
    again.end(true);
    await c.start();
    try {
      c.publishStatus(idleSnapshot(2));
      await waitFor(
        async () => (await refused()) > before,
        10_000,
        'the revoked device refused by the worker',
      );
    } finally {
      await c.stop();
    }
  });
});
