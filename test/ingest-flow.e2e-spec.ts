import { connect, type MqttClient } from 'mqtt';
import { Client } from 'pg';
import { type DeviceCredentials } from '../device-sim/src';
import { IngestService } from '@liftwatch/telemetry';
import { idleStatusPayload, provisionSimDevices } from './support/sim';
import { startTestApp, testDatabaseUrl, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** A device's MQTT connection (no reconnecting), once its CONNACK is in. */
async function connectDevice(url: string, d: DeviceCredentials): Promise<MqttClient> {
  const c = connect(url, { clientId: d.serial, username: d.serial, password: d.secret, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return c;
}

/**
 * Acknowledge after commit without head-of-line blocking (issue 17): a device's next messages are
 * read while an earlier one is still committing; PUBACKs leave in the order the messages came,
 * only after commit; one connection can have at most INGEST_DEVICE_WINDOW messages waiting.
 * The commit is held back for real: a second session locks the elevator's live-state row.
 */
describe('ingest flow on the embedded broker: in-order acknowledgement after commit', () => {
  let t: TestApp;
  let mqttUrl: string;
  let devices: DeviceCredentials[];
  const WINDOW = 3;

  beforeAll(async () => {
    t = await startTestApp({ INGEST_DEVICE_WINDOW: String(WINDOW), INGEST_FLUSH_MS: '5' });
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    devices = await provisionSimDevices(t, await t.listen(), 2);
  });

  afterAll(() => t.close());

  const deviceClient = (d: DeviceCredentials): Promise<MqttClient> => connectDevice(mqttUrl, d);
  const sample = (seq: number): string => idleStatusPayload(seq, (seq % 5) + 1);
  const stored = async (elevatorId: string): Promise<number[]> =>
    (
      await t.db.query<Array<{ seq: string }>>(
        'SELECT seq FROM telemetry_status WHERE elevator_id = $1 ORDER BY seq',
        [elevatorId],
      )
    ).map((r) => Number(r.seq));

  /**
   * Runs `body` while the elevator's live-state row is locked by another session, so its next
   * batch cannot commit; the lock is released afterwards whatever `body` did.
   */
  const whileCommitsHeld = async (elevatorId: string, body: () => Promise<void>): Promise<void> => {
    const c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT 1 FROM elevator_live_state WHERE elevator_id = $1 FOR UPDATE', [elevatorId]);
      await body();
    } finally {
      await c.query('COMMIT').catch(() => undefined);
      await c.end();
    }
  };

  it('should read a device’s next messages while one commits, and acknowledge them in order only after commit', async () => {
    const d = devices[0];
    const ingest = t.app.get(IngestService);
    const c = await deviceClient(d);
    try {
      await c.publishAsync(`lw/v1/${d.serial}/status`, sample(1), { qos: 1 }); // creates the live-state row
      const acked: number[] = [];
      await whileCommitsHeld(d.elevatorId, async () => {
        for (const seq of [2, 3])
          c.publish(`lw/v1/${d.serial}/status`, sample(seq), { qos: 1 }, () => acked.push(seq));
        // Both taken in (the second while the first's transaction waits on the lock)…
        await waitFor(() => ingest.pending.messages === 2, 10_000, 'both messages taken in');
        // …and neither acknowledged: its transaction cannot commit.
        expect(acked).toEqual([]);
        expect(await stored(d.elevatorId)).toEqual([1]);
      });
      await waitFor(() => acked.length === 2, 10_000, 'both acknowledged');
      expect(acked).toEqual([2, 3]);
      expect(await stored(d.elevatorId)).toEqual([1, 2, 3]);
    } finally {
      await c.endAsync();
    }
  });

  it('should stop reading from a device with INGEST_DEVICE_WINDOW messages unacknowledged, and lose none', async () => {
    const d = devices[1];
    const ingest = t.app.get(IngestService);
    const c = await deviceClient(d);
    try {
      await c.publishAsync(`lw/v1/${d.serial}/status`, sample(1), { qos: 1 });
      const acked: number[] = [];
      const send = (seq: number): void => {
        c.publish(`lw/v1/${d.serial}/status`, sample(seq), { qos: 1 }, () => acked.push(seq));
      };
      await whileCommitsHeld(d.elevatorId, async () => {
        // One at a time, so that each arrives in a read of its own (aedes takes in every packet of
        // a read at once; the window stops the next read).
        for (let seq = 2; seq < 2 + WINDOW; seq++) {
          send(seq);
          await waitFor(() => ingest.pending.messages === seq - 1, 10_000, `message ${seq} taken in`);
        }
        for (const seq of [5, 6, 7, 8]) send(seq);
        // The broker reads nothing more from this connection until acknowledgements go out.
        await new Promise((r) => setTimeout(r, 500));
        expect(ingest.pending.messages).toBe(WINDOW);
        expect(acked).toEqual([]);
      });
      await waitFor(() => acked.length === 7, 10_000, 'all acknowledged');
      expect(acked).toEqual([2, 3, 4, 5, 6, 7, 8]);
      expect(await stored(d.elevatorId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    } finally {
      await c.endAsync();
    }
  });
});

/**
 * The overall bound (INGEST_MAX_PENDING_ROWS): once that many rows wait for commit, the broker
 * stops reading from every connection — the messages stay with the devices and TCP — and takes
 * them in, in order, as commits free room.
 */
describe('ingest flow on the embedded broker: back-pressure across devices', () => {
  let t: TestApp;
  let mqttUrl: string;
  let devices: DeviceCredentials[];
  const MAX_PENDING = 1000; // the smallest the configuration accepts

  beforeAll(async () => {
    t = await startTestApp({
      INGEST_MAX_PENDING_ROWS: String(MAX_PENDING),
      INGEST_DEVICE_WINDOW: '1000',
      INGEST_FLUSH_MS: '5',
    });
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    devices = await provisionSimDevices(t, await t.listen(), 2);
  });

  afterAll(() => t.close());

  it('should stop reading from all devices while INGEST_MAX_PENDING_ROWS rows wait, then take in and acknowledge every message in order', async () => {
    const ingest = t.app.get(IngestService);
    const clients = await Promise.all(devices.map((d) => connectDevice(mqttUrl, d)));
    const PER_DEVICE = 700; // 1 400 messages of one row each: more than MAX_PENDING
    const acked = devices.map(() => [] as number[]);
    try {
      // Each elevator's live-state row exists before its commits are held back.
      await Promise.all(
        clients.map((c, i) =>
          c.publishAsync(`lw/v1/${devices[i].serial}/status`, idleStatusPayload(1, 1), { qos: 1 }),
        ),
      );
      const db = new Client({ connectionString: testDatabaseUrl() });
      await db.connect();
      try {
        await db.query('BEGIN');
        await db.query('SELECT 1 FROM elevator_live_state WHERE elevator_id = ANY($1) FOR UPDATE', [
          devices.map((d) => d.elevatorId),
        ]);
        clients.forEach((c, i) => {
          for (let seq = 2; seq < 2 + PER_DEVICE; seq++) {
            c.publish(
              `lw/v1/${devices[i].serial}/status`,
              idleStatusPayload(seq, (seq % 5) + 1),
              { qos: 1 },
              () => acked[i].push(seq),
            );
          }
        });
        await waitFor(() => ingest.pending.rows === MAX_PENDING, 15_000, 'the bound reached');
        // Nothing beyond the bound is taken in while the commits are held, and nothing acknowledged.
        await new Promise((r) => setTimeout(r, 500));
        expect(ingest.pending.rows).toBe(MAX_PENDING);
        expect(acked.map((a) => a.length)).toEqual([0, 0]);
      } finally {
        await db.query('COMMIT').catch(() => undefined);
        await db.end();
      }
      await waitFor(() => acked.every((a) => a.length === PER_DEVICE), 30_000, 'all acknowledged');
      const inOrder = Array.from({ length: PER_DEVICE }, (_, k) => k + 2);
      for (const [i, d] of devices.entries()) {
        expect(acked[i]).toEqual(inOrder);
        const rows = await t.db.query<Array<{ n: string; distinct_seq: string; max: string }>>(
          'SELECT count(*) AS n, count(DISTINCT seq) AS distinct_seq, max(seq) AS max FROM telemetry_status WHERE elevator_id = $1',
          [d.elevatorId],
        );
        expect(rows[0]).toEqual({
          n: String(PER_DEVICE + 1),
          distinct_seq: String(PER_DEVICE + 1),
          max: String(PER_DEVICE + 1),
        });
      }
    } finally {
      await Promise.all(clients.map((c) => c.endAsync()));
    }
  });
});
