import { createServer, type Server, Socket } from 'node:net';
import { connect } from 'mqtt';
import { io, type Socket as LiveSocket } from 'socket.io-client';
import { type DeviceCredentials, SimulatedController } from '../device-sim/src';
import { TelemetryRuntime } from '@liftwatch/telemetry';
import { provisionSimDevices, quietController } from './support/sim';
import { startTestApp, type TestApp } from './support/test-app';
import { freePort } from './support/test-database';
import { waitFor } from './support/wait';

/** The machine's Mosquitto if it answers on 127.0.0.1:1883. */
function mosquittoAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(500);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.connect(1883, '127.0.0.1');
  });
}

/** Else a second, plain broker (aedes without the platform's hooks) on a free port. */
async function plainBroker(): Promise<{ url: string; close(): Promise<void> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Aedes } = require('aedes') as typeof import('aedes');
  const broker = await Aedes.createBroker();
  const port = await freePort();
  const server: Server = createServer((s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      await new Promise((r) => server.close(r));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

describe('ingest role on an external broker', () => {
  let api: TestApp;
  let ingest: TestApp;
  let brokerUrl: string;
  let useMosquitto = false;
  let closeBroker: () => Promise<void> = () => Promise.resolve();
  let devices: DeviceCredentials[];
  const hookSecret = 'broker-hook-secret-0123456789';

  beforeAll(async () => {
    useMosquitto = await mosquittoAvailable();
    if (useMosquitto) {
      brokerUrl = 'mqtt://127.0.0.1:1883';
    } else {
      const b = await plainBroker();
      brokerUrl = b.url;
      closeBroker = b.close;
    }
    api = await startTestApp({ BROKER_HOOK_SECRET: hookSecret });
    devices = await provisionSimDevices(api, await api.listen(), 2);
    ingest = await startTestApp({
      ROLE: 'ingest',
      MQTT_URL: brokerUrl,
      // aedes has no $share; Mosquitto gets a group of its own per run.
      MQTT_SHARED_GROUP: useMosquitto ? `test${Date.now().toString(36)}` : 'none',
      MQTT_CLEAN_SESSION: 'true',
      MQTT_CLIENT_ID: `liftwatch-test-${process.pid}`,
    });
    await ingest.app.get(TelemetryRuntime).startIngest();
  });

  afterAll(async () => {
    await ingest.close();
    await api.close();
    await closeBroker();
  });

  it('should consume device messages from the external broker into the database', async () => {
    const d = devices[0];
    const c = new SimulatedController({
      url: brokerUrl,
      serial: d.serial,
      secret: d.secret,
      floors: d.floors,
      periodic: false, // the test publishes each message itself
    });
    await c.start();
    for (let i = 0; i < 25; i++) c.sampleStatus();
    c.publishMeter();
    c.event('90', 'pulse');
    await waitFor(
      async () => {
        const [row] = await ingest.db.query<Array<{ s: string; m: string; e: string }>>(
          `SELECT (SELECT count(*) FROM telemetry_status WHERE elevator_id = $1) AS s,
                (SELECT count(*) FROM meter_readings WHERE elevator_id = $1) AS m,
                (SELECT count(*) FROM device_events WHERE elevator_id = $1) AS e`,
          [d.elevatorId],
        );
        return Number(row?.s) === 25 && Number(row?.m) === 1 && Number(row?.e) === 1;
      },
      10_000,
      'rows from the external broker',
    );
    await c.stop();
    const health = await ingest.http().get('/health').expect(200);
    expect(health.body.broker).toMatchObject({ status: 'up', mode: 'external' });
    // The ingest role serves no registry API.
    await ingest.http().get('/api/v1/elevators').expect(404);
  });

  it('should store the messages of an MQTT 5 device (the external broker speaks 5; aedes does not)', async () => {
    if (!useMosquitto) {
      // The stand-in broker is aedes, which speaks only MQTT 3.1.1; CI has Mosquitto.
      process.stderr.write('MQTT 5 device test skipped: no Mosquitto on 127.0.0.1:1883\n');
      return;
    }
    const d = devices[0];
    const c = new SimulatedController({
      url: brokerUrl,
      serial: d.serial,
      secret: d.secret,
      floors: d.floors,
      periodic: false,
      mqtt: { protocolVersion: 5 },
    });
    await c.start();
    const before = await ingest.db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM telemetry_status WHERE elevator_id = $1`,
      [d.elevatorId],
    );
    for (let i = 0; i < 5; i++) c.sampleStatus();
    await waitFor(() => c.inFlight === 0, 10_000, 'PUBACKs for the MQTT 5 device');
    await waitFor(
      async () => {
        const [row] = await ingest.db.query<Array<{ n: string }>>(
          `SELECT count(*) AS n FROM telemetry_status WHERE elevator_id = $1`,
          [d.elevatorId],
        );
        return Number(row?.n) === Number(before[0]?.n) + 5;
      },
      10_000,
      'rows of the MQTT 5 device',
    );
    await c.stop();
  });

  it('should carry live states from a separate ingest process to a separate api process', async () => {
    const apiOnly = await startTestApp({ ROLE: 'api' });
    const socket: LiveSocket = io(`${await apiOnly.listen()}/live`, {
      auth: { token: await apiOnly.adminToken() },
      transports: ['websocket'],
    });
    try {
      const d = devices[1];
      const ack = (await socket.timeout(5000).emitWithAck('join', { elevatorId: d.elevatorId })) as {
        ok: boolean;
      };
      expect(ack.ok).toBe(true);
      // The online flag may arrive as a state of its own first (no floor yet): wait for the sample.
      const received = new Promise<{ elevatorId: string; floor: number }>((resolve) =>
        socket.on('state', (s: { elevatorId: string; floor: number | null }) => {
          if (s.elevatorId === d.elevatorId && s.floor !== null) resolve({ ...s, floor: s.floor });
        }),
      );
      const c = quietController(d, brokerUrl);
      await c.start();
      c.sampleStatus();
      const state = await received;
      expect(state.floor).toBeGreaterThanOrEqual(1);
      await c.stop();
    } finally {
      socket.close();
      await apiOnly.close();
    }
  });

  it('should push an alarm raised in a separate ingest process to a socket on a separate api process', async () => {
    const apiOnly = await startTestApp({ ROLE: 'api' });
    const socket: LiveSocket = io(`${await apiOnly.listen()}/live`, {
      auth: { token: await apiOnly.adminToken() },
      transports: ['websocket'],
    });
    const d = devices[1];
    const c = quietController(d, brokerUrl);
    try {
      const ack = (await socket.timeout(5000).emitWithAck('join', { elevatorId: d.elevatorId })) as {
        ok: boolean;
      };
      expect(ack.ok).toBe(true);
      const pushed = new Promise<{ elevatorId: string; type: string; registrationCode?: string }>((resolve) =>
        socket.on('alarm', (a: { elevatorId: string; type: string; registrationCode?: string }) => {
          if (a.elevatorId === d.elevatorId && a.type === 'entrapment') resolve(a);
        }),
      );
      await c.start();
      c.event('11', 'set'); // the controller reports passengers trapped
      const alarm = await pushed;
      expect(alarm.registrationCode).toMatch(/^\d{20}$/);
      c.event('11', 'clear');
    } finally {
      await c.stop();
      socket.close();
      await apiOnly.close();
    }
  });

  it('should send a device command from an api-only replica through the external broker', async () => {
    const replica = await startTestApp({ ROLE: 'api', MQTT_URL: brokerUrl });
    const d = devices[0];
    const device = connect(brokerUrl, { clientId: `${d.serial}-cmd-test`, reconnectPeriod: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        device.once('connect', () => resolve());
        device.once('error', reject);
      });
      await device.subscribeAsync(`lw/v1/${d.serial}/cmd`, { qos: 1 });
      const received = new Promise<string>((resolve) =>
        device.on('message', (_t, p) => resolve(p.toString())),
      );
      const [row] = await api.db.query<Array<{ id: string }>>('SELECT id FROM devices WHERE serial = $1', [
        d.serial,
      ]);
      await replica
        .http()
        .post(`/api/v1/devices/${row?.id}/commands`)
        .auth(await replica.adminToken(), { type: 'bearer' })
        .send({ heartbeatIntervalS: 30 })
        .expect(202);
      expect(JSON.parse(await received)).toEqual({ cmd: 'config', heartbeatIntervalS: 30 });
    } finally {
      await device.endAsync();
      await replica.close();
    }
  });

  it('should answer 503 for a command when a replica has no broker to reach devices', async () => {
    const replica = await startTestApp({ ROLE: 'api' });
    try {
      const [row] = await api.db.query<Array<{ id: string }>>('SELECT id FROM devices WHERE serial = $1', [
        devices[0].serial,
      ]);
      const res = await replica
        .http()
        .post(`/api/v1/devices/${row?.id}/commands`)
        .auth(await replica.adminToken(), { type: 'bearer' })
        .send({ heartbeatIntervalS: 30 })
        .expect(503);
      expect(res.body.error?.code ?? res.body.code).toBe('BROKER_UNAVAILABLE');
    } finally {
      await replica.close();
    }
  });

  describe('auth and ACL hooks for the external broker', () => {
    const post = (path: string, body: object, secret: string | null = hookSecret) => {
      const req = api.http().post(`/api/v1/broker/${path}`);
      return (secret ? req.set('x-broker-secret', secret) : req).send(body);
    };

    it('should allow a device with its secret and deny a wrong one', async () => {
      const d = devices[1];
      const ok = await post('authenticate', {
        clientid: d.serial,
        username: d.serial,
        password: d.secret,
      }).expect(200);
      expect(ok.body).toEqual({ result: 'allow' });
      const bad = await post('authenticate', {
        clientid: d.serial,
        username: d.serial,
        password: 'nope',
      }).expect(200);
      expect(bad.body).toEqual({ result: 'deny' });
      const other = await post('authenticate', {
        clientid: 'someone',
        username: d.serial,
        password: d.secret,
      }).expect(200);
      expect(other.body).toEqual({ result: 'deny' });
    });

    it('should allow a device only its own topics', async () => {
      const [a, b] = devices as [DeviceCredentials, DeviceCredentials];
      const check = async (topic: string, action: 'publish' | 'subscribe') =>
        (await post('authorize', { clientid: a.serial, username: a.serial, topic, action }).expect(200))
          .body as { result: string };
      expect(await check(`lw/v1/${a.serial}/status`, 'publish')).toEqual({ result: 'allow' });
      expect(await check(`lw/v1/${a.serial}/cmd`, 'subscribe')).toEqual({ result: 'allow' });
      expect(await check(`lw/v1/${b.serial}/status`, 'publish')).toEqual({ result: 'deny' });
      expect(await check(`lw/v1/${a.serial}/cmd`, 'publish')).toEqual({ result: 'deny' });
      expect(await check(`lw/v1/+/status`, 'subscribe')).toEqual({ result: 'deny' });
      expect(await check(`#`, 'subscribe')).toEqual({ result: 'deny' });
    });

    it('should answer mosquitto-go-auth by status (secret in the header or the query)', async () => {
      const [a, b] = devices as [DeviceCredentials, DeviceCredentials];
      const go = (path: string, body: object, how: 'header' | 'query' | 'none' = 'header') => {
        const url = `/api/v1/broker/go-auth/${path}${how === 'query' ? `?secret=${hookSecret}` : ''}`;
        const req = api.http().post(url);
        return (how === 'header' ? req.set('x-broker-secret', hookSecret) : req).send(body);
      };
      await go('user', { username: a.serial, password: a.secret, clientid: a.serial }).expect(200);
      await go('user', { username: a.serial, password: a.secret, clientid: a.serial }, 'query').expect(200);
      await go('user', { username: a.serial, password: 'wrong', clientid: a.serial }).expect(403);
      await go('user', { username: a.serial, password: a.secret, clientid: a.serial }, 'none').expect(401);
      await go('superuser', { username: a.serial }).expect(403);
      const acl = (topic: string, acc: number) =>
        go('acl', { username: a.serial, clientid: a.serial, topic, acc });
      await acl(`lw/v1/${a.serial}/status`, 2).expect(200);
      await acl(`lw/v1/${b.serial}/status`, 2).expect(403);
      await acl(`lw/v1/${a.serial}/cmd`, 4).expect(200);
      await acl(`lw/v1/${a.serial}/cmd`, 1).expect(200);
      await acl(`lw/v1/${b.serial}/cmd`, 1).expect(403);
      await acl(`lw/v1/${a.serial}/cmd`, 3).expect(403); // may read its commands, not write them
      const bad = await acl(`lw/v1/${a.serial}/status`, 7).expect(400);
      expect(JSON.stringify(bad.body)).toContain('acc');
    });

    it("should answer RabbitMQ's HTTP auth backend form by form, for devices over MQTT only", async () => {
      const [a, b] = devices as [DeviceCredentials, DeviceCredentials];
      // what rabbitmq_auth_backend_http posts (auth_http.http_method = post): form-encoded fields,
      // the secret in the configured URI, `allow`/`deny` in a text body
      const rabbit = async (
        path: string,
        form: Record<string, string>,
        secret: string | null = hookSecret,
      ) => {
        const res = await api
          .http()
          .post(`/api/v1/broker/rabbitmq/${path}${secret ? `?secret=${secret}` : ''}`)
          .type('form')
          .send(form);
        return { status: res.status, text: res.text };
      };
      const allow = { status: 200, text: 'allow' };
      const deny = { status: 200, text: 'deny' };
      const who = { username: a.serial, vhost: '/', client_id: a.serial };
      expect(await rabbit('user', { ...who, password: a.secret })).toEqual(allow);
      expect(await rabbit('user', { ...who, password: 'wrong' })).toEqual(deny);
      // an AMQP login carries no MQTT client id: devices come in over MQTT only
      expect(await rabbit('user', { username: a.serial, password: a.secret, vhost: '/' })).toEqual(deny);
      expect(await rabbit('user', { ...who, client_id: b.serial, password: a.secret })).toEqual(deny);
      expect((await rabbit('user', { ...who, password: a.secret }, null)).status).toBe(401);
      expect(await rabbit('vhost', { ...who, ip: '127.0.0.1', tags: '' })).toEqual(allow);
      expect(await rabbit('vhost', { ...who, vhost: 'other', ip: '127.0.0.1', tags: '' })).toEqual(deny);
      const resource = (resource: string, name: string, permission: string) =>
        rabbit('resource', { ...who, resource, name, permission, tags: '' });
      expect(await resource('exchange', 'amq.topic', 'write')).toEqual(allow);
      expect(await resource('exchange', 'amq.topic', 'configure')).toEqual(deny);
      expect(await resource('queue', `mqtt-subscription-${a.serial}qos1`, 'configure')).toEqual(allow);
      expect(await resource('queue', `mqtt-subscription-${b.serial}qos1`, 'read')).toEqual(deny);
      expect(await resource('queue', 'liftwatch.ingest', 'read')).toEqual(deny);
      const topic = (routingKey: string, permission: string) =>
        rabbit('topic', {
          ...who,
          resource: 'topic',
          name: 'amq.topic',
          permission,
          tags: '',
          routing_key: routingKey,
          'variable_map.client_id': a.serial,
          'variable_map.username': a.serial,
          'variable_map.vhost': '/',
        });
      expect(await topic(`lw.v1.${a.serial}.status`, 'write')).toEqual(allow);
      expect(await topic(`lw.v1.${a.serial}.cmd`, 'read')).toEqual(allow);
      expect(await topic(`lw.v1.${b.serial}.status`, 'write')).toEqual(deny);
      expect(await topic(`lw.v1.${a.serial}.cmd`, 'write')).toEqual(deny);
      expect(await topic('lw.v1.*.cmd', 'read')).toEqual(deny);
      expect(await topic('#', 'read')).toEqual(deny);
      const bad = await rabbit('resource', { ...who, resource: 'queue', name: 'q', permission: 'drop' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('permission');
    });

    it('should refuse callers without the broker secret', async () => {
      await post('authenticate', { clientid: 'x', username: 'x', password: 'x' }, null).expect(401);
      await post(
        'authenticate',
        { clientid: 'x', username: 'x', password: 'x' },
        'wrong-secret-0123456789',
      ).expect(401);
      await post('authorize', { clientid: 'x', username: 'x', topic: 't', action: 'drop' }).expect(400);
    });
  });
});
