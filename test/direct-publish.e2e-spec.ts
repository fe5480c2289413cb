import { connect as tcpConnect, type Socket } from 'node:net';
import * as mqtt from 'mqtt-packet';
import { type DeviceCredentials } from '../device-sim/src';
import { idleStatusPayload, provisionSimDevices } from './support/sim';
import { startTestApp, type TestApp } from './support/test-app';
import { metricValue, waitFor } from './support/wait';

/**
 * A device's QoS 0/1 telemetry is read off its connection past aedes' packet path
 * (libs/telemetry/src/broker/direct-publish.ts). Driven here with raw bytes, the way real
 * controllers' TCP stacks deliver them: many packets in one segment, one packet over many
 * segments, control packets in between, keep-alive kept by publications alone, and bytes the
 * direct path must leave to aedes (another device's topic, a malformed packet).
 */
describe('embedded broker: device telemetry read directly off the wire', () => {
  let t: TestApp;
  let port: number;
  let devices: DeviceCredentials[];

  beforeAll(async () => {
    t = await startTestApp({ INGEST_FLUSH_MS: '10' });
    port = (await t.startBroker()).tcpPort;
    devices = await provisionSimDevices(t, await t.listen(), 7);
  });

  afterAll(() => t.close());

  /** A raw MQTT 3.1.1 connection with every packet the broker sends back, parsed. */
  interface Wire {
    socket: Socket;
    received: mqtt.Packet[];
    closed: () => boolean;
    send(...packets: Array<mqtt.Packet | Buffer>): void;
  }

  const encode = (p: mqtt.Packet | Buffer): Buffer => (Buffer.isBuffer(p) ? p : mqtt.generate(p));

  const connectPacket = (d: DeviceCredentials, keepalive: number): mqtt.IConnectPacket => ({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: d.serial,
    username: d.serial,
    password: Buffer.from(d.secret),
    keepalive,
  });

  /** A raw TCP connection to the broker, nothing sent yet. */
  async function dial(): Promise<Wire> {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const received: mqtt.Packet[] = [];
    const parser = mqtt.parser();
    parser.on('packet', (p) => received.push(p));
    socket.on('data', (b) => parser.parse(b));
    let isClosed = false;
    socket.on('close', () => (isClosed = true));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return {
      socket,
      received,
      closed: () => isClosed,
      send: (...packets) => socket.write(Buffer.concat(packets.map(encode))),
    };
  }

  /** A device connected: CONNACK received. */
  async function open(d: DeviceCredentials, keepalive = 60): Promise<Wire> {
    const wire = await dial();
    wire.send(connectPacket(d, keepalive));
    await waitFor(() => wire.received.some((p) => p.cmd === 'connack'), 10_000, 'CONNACK');
    expect(wire.received[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
    return wire;
  }

  const status = (
    d: DeviceCredentials,
    seq: number,
    qos: 0 | 1 = 1,
    extra: Partial<mqtt.IPublishPacket> = {},
  ) =>
    ({
      cmd: 'publish',
      topic: `lw/v1/${d.serial}/status`,
      payload: idleStatusPayload(seq, (seq % 5) + 1),
      qos,
      dup: false,
      retain: false,
      messageId: qos > 0 ? seq : undefined,
      ...extra,
    }) as mqtt.IPublishPacket;

  const stored = async (d: DeviceCredentials): Promise<number[]> =>
    (
      await t.db.query<Array<{ seq: string }>>(
        'SELECT seq FROM telemetry_status WHERE elevator_id = $1 ORDER BY seq',
        [d.elevatorId],
      )
    ).map((r) => Number(r.seq));

  const acks = (w: Wire): number[] =>
    w.received.filter((p): p is mqtt.IPubackPacket => p.cmd === 'puback').map((p) => p.messageId ?? -1);

  it('should take many packets of one segment and one packet of many segments, with a PINGREQ between, acknowledging each QoS 1 message in order', async () => {
    const d = devices[0];
    const w = await open(d);
    try {
      // One segment: five samples, a PINGREQ, three samples, a QoS 0 sample.
      w.send(
        ...[1, 2, 3, 4, 5].map((s) => status(d, s)),
        { cmd: 'pingreq' },
        ...[6, 7, 8].map((s) => status(d, s)),
        status(d, 9, 0),
      );
      // One packet, then a second, dribbled a byte or a few at a time over separate segments.
      const dribble = Buffer.concat([encode(status(d, 10)), encode(status(d, 11))]);
      for (let i = 0; i < dribble.length;) {
        const n = 1 + (i % 7);
        w.socket.write(dribble.subarray(i, i + n));
        i += n;
        await new Promise((r) => setTimeout(r, 2));
      }
      await waitFor(() => acks(w).length === 10, 10_000, 'ten PUBACKs');
      expect(acks(w)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10, 11]);
      expect(w.received.filter((p) => p.cmd === 'pingresp')).toHaveLength(1);
      await waitFor(async () => (await stored(d)).length === 11, 10_000, 'all stored');
      expect(await stored(d)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(w.closed()).toBe(false);
    } finally {
      w.socket.destroy();
    }
  });

  it('should acknowledge in order what a device sends before its CONNACK and right after it', async () => {
    const d = devices[6];
    const w = await dial();
    try {
      // CONNECT and three samples in one segment, three more at once, none waiting for CONNACK.
      w.send(connectPacket(d, 60), status(d, 1), status(d, 2), status(d, 3));
      w.send(status(d, 4), status(d, 5), status(d, 6));
      await waitFor(() => acks(w).length === 6, 10_000, 'six PUBACKs');
      expect(w.received[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
      expect(acks(w)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await stored(d)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      w.socket.destroy();
    }
  });

  it('should not mistake the rest of a split packet for a packet of its own', async () => {
    const d = devices[5];
    const w = await open(d);
    try {
      // A publication whose payload is itself a whole PUBLISH packet, cut where that payload starts.
      const inner = encode(status(d, 99, 0));
      const outer = encode({ ...status(d, 1), payload: inner });
      w.socket.write(outer.subarray(0, outer.length - inner.length));
      await new Promise((r) => setTimeout(r, 50));
      w.socket.write(outer.subarray(outer.length - inner.length));
      w.send(status(d, 2));
      await waitFor(() => acks(w).includes(2), 10_000, 'the PUBACK of sample 2');
      // The outer payload is not JSON: refused. Nothing inside it is a message.
      expect(await stored(d)).toEqual([2]);
    } finally {
      w.socket.destroy();
    }
  });

  it('should keep a connection alive on publications alone', async () => {
    const d = devices[1];
    const w = await open(d, 1); // the broker closes a silent connection after 1.5 keep-alive periods
    try {
      for (let seq = 1; seq <= 12; seq++) {
        w.send(status(d, seq));
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(w.closed()).toBe(false);
      await waitFor(() => acks(w).length === 12, 10_000, 'twelve PUBACKs');
    } finally {
      w.socket.destroy();
    }
    // …and aedes' keep-alive still applies: a connection that goes quiet is closed.
    const quiet = await open(devices[2], 1);
    await waitFor(() => quiet.closed(), 10_000, 'the quiet connection closed');
  });

  it('should leave a publication to another device’s topic to the broker’s checks: refused, counted, nothing stored', async () => {
    const [d, other] = [devices[3], devices[4]];
    const denied = async (): Promise<number> =>
      metricValue((await t.http().get('/metrics')).text, 'liftwatch_ingest_rejected_total', {
        reason: 'acl_denied',
      });
    const before = await denied();
    const w = await open(d);
    try {
      w.send(status(d, 1), { ...status(d, 2), topic: `lw/v1/${other.serial}/status` }, status(d, 3));
      await waitFor(() => w.closed(), 10_000, 'connection closed');
      expect(await denied()).toBe(before + 1);
      await waitFor(async () => (await stored(d)).length === 1, 10_000, 'the first sample stored');
      expect(await stored(d)).toEqual([1]);
      expect(await stored(other)).toEqual([]);
    } finally {
      w.socket.destroy();
    }
  });

  it('should close a connection on a malformed packet after the valid ones before it, and store those', async () => {
    const d = devices[2];
    const w = await open(d);
    try {
      // A remaining length of five bytes is malformed (MQTT-2.2.3): aedes' parser refuses it.
      w.send(status(d, 1), status(d, 2), Buffer.from([0x32, 0xff, 0xff, 0xff, 0xff, 0x01]));
      await waitFor(() => w.closed(), 10_000, 'connection closed');
      await waitFor(async () => (await stored(d)).length === 2, 10_000, 'both samples stored');
      expect(await stored(d)).toEqual([1, 2]);
    } finally {
      w.socket.destroy();
    }
  });
});
