import { connect, type MqttClient } from 'mqtt';
import { type DeviceCredentials } from '../device-sim/src';
import { provisionSimDevices } from './support/sim';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const PLATFORM = { username: 'platform-tools', password: 'platform-tools-secret-0123456789' };

/**
 * What the embedded broker's shortcuts around aedes (libs/telemetry/src/broker/aedes-tuning.ts)
 * must not change: a platform-identity client still gets the device data it subscribes to, and
 * retained messages still reach exact and wildcard subscriptions, a cleared one no more.
 */
describe('embedded broker: telemetry and retained messages as MQTT clients see them', () => {
  let t: TestApp;
  let url: string;
  let devices: DeviceCredentials[];
  const open: MqttClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ MQTT_USERNAME: PLATFORM.username, MQTT_PASSWORD: PLATFORM.password });
    const { tcpPort } = await t.startBroker();
    url = `mqtt://127.0.0.1:${tcpPort}`;
    devices = await provisionSimDevices(t, await t.listen(), 2);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true)));
    await t?.close();
  });

  async function client(options: {
    clientId: string;
    username: string;
    password: string;
  }): Promise<MqttClient> {
    const c = connect(url, { ...options, reconnectPeriod: 0, connectTimeout: 5000 });
    open.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
    return c;
  }

  const device = (d: DeviceCredentials): Promise<MqttClient> =>
    client({ clientId: d.serial, username: d.serial, password: d.secret });
  const platform = (id: string): Promise<MqttClient> => client({ clientId: id, ...PLATFORM });

  /** Subscribes and collects what arrives on `filter`. */
  async function watch(
    c: MqttClient,
    filter: string,
  ): Promise<Array<{ topic: string; retain: boolean; body: string }>> {
    const got: Array<{ topic: string; retain: boolean; body: string }> = [];
    c.on('message', (topic, payload, packet) =>
      got.push({ topic, retain: packet.retain, body: payload.toString() }),
    );
    const granted = await c.subscribeAsync(filter, { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    return got;
  }

  /** Status samples of the device in the database. */
  async function stored(d: DeviceCredentials): Promise<number> {
    const rows: Array<{ n: number }> = await t.db.query(
      `SELECT count(*)::int AS n FROM telemetry_status s JOIN devices v ON v.id = s.device_id WHERE v.serial = $1`,
      [d.serial],
    );
    return rows[0]?.n ?? 0;
  }

  const sample = (seq: number): string =>
    JSON.stringify({
      v: 1,
      ts: Date.now(),
      seq,
      running: false,
      dir: 0,
      floor: 1,
      doorZone: true,
      doorClosed: true,
      passenger: false,
      mode: 1,
    });

  it('should deliver device samples to a platform-identity subscriber, and store them whether watched or not', async () => {
    const [d] = devices;
    const dev = await device(d);
    await dev.publishAsync(`lw/v1/${d.serial}/status`, sample(1), { qos: 1 }); // nobody watches
    const watcher = await platform('tools-1');
    const got = await watch(watcher, `lw/v1/${d.serial}/status`);
    await dev.publishAsync(`lw/v1/${d.serial}/status`, sample(2), { qos: 1 });
    await waitFor(() => got.length === 1, 5000, 'the watched sample');
    expect(JSON.parse(got[0].body)).toMatchObject({ seq: 2 });
    await watcher.endAsync();
    await waitFor(async () => (await stored(d)) === 2, 5000, 'both samples stored');
    await dev.publishAsync(`lw/v1/${d.serial}/status`, sample(3), { qos: 1 }); // watcher gone again
    await waitFor(async () => (await stored(d)) === 3, 5000, 'the third sample stored');
  });

  it('should send retained online flags to exact and wildcard subscriptions, and a cleared one to neither', async () => {
    const [a, b] = devices;
    const devA = await device(a);
    const devB = await device(b);
    await devA.publishAsync(`lw/v1/${a.serial}/online`, '{"online":true}', { qos: 1, retain: true });
    await devB.publishAsync(`lw/v1/${b.serial}/online`, '{"online":true}', { qos: 1, retain: true });

    const exact = await watch(await platform('tools-2'), `lw/v1/${a.serial}/online`);
    await waitFor(() => exact.length === 1, 5000, 'the retained flag on the exact topic');
    expect(exact[0]).toMatchObject({
      topic: `lw/v1/${a.serial}/online`,
      retain: true,
      body: '{"online":true}',
    });

    const wildcard = await watch(await platform('tools-3'), 'lw/v1/+/online');
    await waitFor(
      () => [a, b].every((d) => wildcard.some((m) => m.topic === `lw/v1/${d.serial}/online` && m.retain)),
      5000,
      'both retained flags on the wildcard',
    );

    await devA.publishAsync(`lw/v1/${a.serial}/online`, '', { qos: 1, retain: true }); // clears it
    const late = await platform('tools-4');
    const lateGot = await watch(late, `lw/v1/${a.serial}/online`);
    await late.subscribeAsync(`lw/v1/${b.serial}/online`, { qos: 1 });
    // retained messages go out in the order of the subscriptions: a's would have come first
    await waitFor(
      () => lateGot.some((m) => m.topic === `lw/v1/${b.serial}/online`),
      5000,
      "the other device's flag",
    );
    expect(lateGot.filter((m) => m.topic === `lw/v1/${a.serial}/online`)).toEqual([]);
  });
});
