import { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { type DeviceCredentials, Fleet, SimulatedController } from '../device-sim/src';
import { IngestService, TelemetryJobsService } from '@liftwatch/telemetry';
import { createFleet } from './support/fleet.fixture';
import { connectRefused, provisionSimDevices, quietController } from './support/sim';
import { startTestApp, type TestApp } from './support/test-app';
import { metricValue, waitFor } from './support/wait';

interface LiveStateBody {
  elevatorId: string;
  floor: number | null;
  online: boolean;
  seq: number | null;
  ts: string | null;
}

describe('telemetry pipeline (embedded broker, simulator, real PostgreSQL)', () => {
  let t: TestApp;
  let baseUrl: string;
  let mqttUrl: string;
  let wsUrl: string;
  let devices: DeviceCredentials[];
  const open: Array<{ stop(): Promise<void> }> = [];
  const auth = { type: 'bearer' as const };

  beforeAll(async () => {
    t = await startTestApp();
    const ports = await t.startBroker(true);
    mqttUrl = `mqtt://127.0.0.1:${ports.tcpPort}`;
    wsUrl = `ws://127.0.0.1:${ports.wsPort}`;
    baseUrl = await t.listen();
    devices = await provisionSimDevices(t, baseUrl, 6);
  });

  afterAll(async () => {
    for (const o of open) await o.stop().catch(() => undefined);
    await t.close();
  });

  const countRows = async (table: string, elevatorId: string): Promise<number> => {
    const [row] = await t.db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM ${table} WHERE elevator_id = $1`,
      [elevatorId],
    );
    return Number(row?.n);
  };
  const metrics = async (): Promise<string> => (await t.http().get('/metrics')).text;
  const device = (i: number): DeviceCredentials => devices[i];
  const controller = (
    i: number,
    extra: Partial<ConstructorParameters<typeof SimulatedController>[0]> = {},
  ) => {
    const d = device(i);
    const c = new SimulatedController({
      url: mqttUrl,
      serial: d.serial,
      secret: d.secret,
      floors: d.floors,
      statusIntervalMs: 0, // off: tests publish explicitly
      heartbeatIntervalMs: 0,
      meterIntervalMs: 0,
      ...extra,
    });
    open.push(c);
    return c;
  };

  it('should store simulated traffic and keep the latest state per elevator', async () => {
    const fleet = new Fleet({
      url: mqttUrl,
      devices: devices.slice(0, 3),
      statusIntervalMs: 50,
      meterIntervalMs: 200,
    });
    open.push(fleet);
    await fleet.start();
    await new Promise((r) => setTimeout(r, 1500));
    await fleet.stop();
    await t.app.get(IngestService).drain();
    const summary = fleet.summary();
    expect(summary.totals.publishErrors).toBe(0);
    expect(summary.totals.acked).toBe(summary.totals.published);
    for (const d of devices.slice(0, 3)) {
      expect(await countRows('telemetry_status', d.elevatorId)).toBeGreaterThan(10);
      expect(await countRows('meter_readings', d.elevatorId)).toBeGreaterThan(2);
      const state = await t
        .http()
        .get(`/api/v1/elevators/${d.elevatorId}/state`)
        .auth(await t.adminToken(), auth)
        .expect(200);
      expect(state.body).toMatchObject({ elevatorId: d.elevatorId, online: false });
      expect(state.body.floor).toBeGreaterThanOrEqual(1);
      expect(state.body.lastSeenAt).not.toBeNull();
    }
    // Every acknowledged status sample is in the database exactly once.
    const sent = fleet.controllers.reduce((n, c) => n + c.stats.acked, 0);
    const [stored] = await t.db.query<Array<{ n: string }>>(
      `SELECT (SELECT count(*) FROM telemetry_status WHERE elevator_id = ANY($1::uuid[]))
            + (SELECT count(*) FROM meter_readings WHERE elevator_id = ANY($1::uuid[])) AS n`,
      [devices.slice(0, 3).map((d) => d.elevatorId)],
    );
    // acked also counts heartbeats and online flags, which are not rows
    expect(Number(stored?.n)).toBeLessThanOrEqual(sent);
    expect(Number(stored?.n)).toBeGreaterThan(sent * 0.8);
  });

  it('should push a snapshot and then changes to a socket.io client that joined the elevator', async () => {
    const d = device(3);
    const c = controller(3);
    await c.start();
    c.model.call(1, 4);
    c.sampleStatus();
    await waitFor(async () => (await countRows('telemetry_status', d.elevatorId)) > 0, 5000, 'first sample');
    const socket: Socket = io(`${baseUrl}/live`, {
      auth: { token: await t.adminToken() },
      transports: ['websocket'],
    });
    open.push({ stop: () => Promise.resolve(void socket.close()) });
    const ack = (await socket.timeout(5000).emitWithAck('join', { elevatorId: d.elevatorId })) as {
      ok: boolean;
      snapshot: LiveStateBody[];
    };
    expect(ack.ok).toBe(true);
    expect(ack.snapshot).toHaveLength(1);
    expect(ack.snapshot[0]).toMatchObject({ elevatorId: d.elevatorId, online: true });
    const seqBefore = ack.snapshot[0]?.seq ?? 0;
    const next = new Promise<LiveStateBody>((resolve) =>
      socket.on('state', (s: LiveStateBody) => {
        if (s.elevatorId === d.elevatorId && (s.seq ?? 0) > seqBefore) resolve(s);
      }),
    );
    c.sampleStatus();
    const update = await next;
    expect(update.seq).toBeGreaterThan(seqBefore);
    await c.stop();
  });

  it('should refuse a socket.io join outside the caller’s scope and a connection without a token', async () => {
    const fleet = await createFleet(t);
    const token = await t.login(fleet.users.firmA);
    const socket: Socket = io(`${baseUrl}/live`, { auth: { token }, transports: ['websocket'] });
    open.push({ stop: () => Promise.resolve(void socket.close()) });
    const refused = (await socket.timeout(5000).emitWithAck('join', { elevatorId: fleet.elevators.e3 })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(refused).toMatchObject({ ok: false, error: { code: 'ELEVATOR_NOT_FOUND' } });
    const mine = (await socket.timeout(5000).emitWithAck('join', { all: true })) as {
      ok: boolean;
      elevatorIds: string[];
    };
    expect(mine.elevatorIds).toEqual([fleet.elevators.e1]);
    const bad = (await socket.timeout(5000).emitWithAck('join', { elevatorId: 'x', colour: 1 })) as {
      ok: boolean;
      error: { code: string; fields: Array<{ field: string }> };
    };
    expect(bad.error.code).toBe('VALIDATION_FAILED');

    const anonymous: Socket = io(`${baseUrl}/live`, { transports: ['websocket'] });
    open.push({ stop: () => Promise.resolve(void anonymous.close()) });
    const error = await new Promise<Error & { data?: { code: string } }>((resolve) =>
      anonymous.on('connect_error', resolve),
    );
    expect(error.data?.code).toBe('UNAUTHENTICATED');
  });

  it('should refuse a wrong secret and count it', async () => {
    const before = metricValue(await metrics(), 'liftwatch_ingest_rejected_total', { reason: 'auth_failed' });
    const d = device(4);
    const err = await connectRefused(mqttUrl, d.serial, 'wrong');
    expect(err.message).toMatch(/Bad username or password/i);
    expect(metricValue(await metrics(), 'liftwatch_ingest_rejected_total', { reason: 'auth_failed' })).toBe(
      before + 1,
    );
  });

  it('should throttle someone guessing a controller’s secret, yet keep the controller itself connecting', async () => {
    const [d] = await provisionSimDevices(t, baseUrl, 1);
    const c = quietController(d, mqttUrl);
    open.push(c);
    await c.start(); // known to the broker from now on
    await c.stop();
    const count = async (reason: string) =>
      metricValue(await metrics(), 'liftwatch_ingest_rejected_total', { reason });
    const [failedBefore, throttledBefore] = [await count('auth_failed'), await count('auth_throttled')];
    for (let i = 0; i < 12; i += 1) {
      const err = await connectRefused(mqttUrl, d.serial, `guess-${i}`);
      expect(err.message).toMatch(/Bad username or password/i);
    }
    // ten wrong secrets were checked; the next ones were refused unchecked
    expect(await count('auth_failed')).toBe(failedBefore + 10);
    expect(await count('auth_throttled')).toBe(throttledBefore + 2);
    // the controller with its own secret is not shut out: an entrapment must get through
    const again = quietController(d, mqttUrl);
    open.push(again);
    await again.start();
    expect(again.connected).toBe(true);
    await again.stop();
  });

  it('should not let a device publish as another device', async () => {
    const before = metricValue(await metrics(), 'liftwatch_ingest_rejected_total', { reason: 'acl_denied' });
    const a = controller(4);
    await a.start();
    const victim = device(5);
    const rowsBefore = await countRows('telemetry_status', victim.elevatorId);
    const closed = new Promise<void>((resolve) =>
      (a as unknown as { client: MqttClient }).client.once('close', () => resolve()),
    );
    void a
      .publishRaw(
        `lw/v1/${victim.serial}/status`,
        JSON.stringify({ seq: 1, ts: Date.now(), running: false, dir: 0, mode: 1 }),
      )
      .catch(() => undefined);
    await closed;
    await t.app.get(IngestService).drain();
    expect(await countRows('telemetry_status', victim.elevatorId)).toBe(rowsBefore);
    expect(metricValue(await metrics(), 'liftwatch_ingest_rejected_total', { reason: 'acl_denied' })).toBe(
      before + 1,
    );
    await a.stop();
  });

  it('should reject and count malformed, oversized and future-dated messages while good traffic continues', async () => {
    const d = device(5);
    const c = controller(5);
    await c.start();
    const reasons = [
      'bad_json',
      'schema',
      'oversize',
      'future_timestamp',
      'too_old',
      'bad_text',
      'unknown_channel',
    ] as const;
    const before = await metrics();
    const rowsBefore = await countRows('telemetry_status', d.elevatorId);
    const topic = `lw/v1/${d.serial}/status`;
    const good = (seq: number, ts = Date.now()) =>
      JSON.stringify({ seq, ts, running: false, dir: 0, floor: 1, mode: 1 });
    await c.publishRaw(topic, '{"seq": 1, "ts": ');
    await c.publishRaw(topic, JSON.stringify({ seq: 2, ts: Date.now(), running: 'yes', dir: 0, mode: 1 }));
    await c.publishRaw(
      topic,
      JSON.stringify({ seq: 3, ts: Date.now(), running: false, dir: 0, mode: 1, pad: 'x'.repeat(20_000) }),
    );
    await c.publishRaw(topic, good(4, Date.now() + 3_600_000));
    await c.publishRaw(topic, good(5, Date.now() - 40 * 86_400_000));
    await c.publishRaw(
      `lw/v1/${d.serial}/meter`,
      JSON.stringify({ seq: 8, ts: Date.now(), kwh: 1, meterId: 'M\u0000' }),
    );
    // A channel the protocol does not know, under the device's own prefix: counted, not a reason
    // to cut the device off.
    await c.publishRaw(`lw/v1/${d.serial}/firmware`, '{}');
    await c.publishRaw(topic, good(6));
    await c.publishRaw(topic, good(7));
    await t.app.get(IngestService).drain();
    expect(await countRows('telemetry_status', d.elevatorId)).toBe(rowsBefore + 2);
    const after = await metrics();
    for (const reason of reasons) {
      expect(metricValue(after, 'liftwatch_ingest_rejected_total', { reason })).toBe(
        metricValue(before, 'liftwatch_ingest_rejected_total', { reason }) + 1,
      );
    }
    expect(c.connected).toBe(true);
    await c.stop();
  });

  it('should store a replayed batch once, accept late data under its device time and keep the live state newest', async () => {
    const d = device(2);
    const c = controller(2);
    await c.start();
    const now = Date.now();
    const items = Array.from({ length: 20 }, (_, i) => ({
      ch: 'status',
      seq: 1_000_000 + i,
      ts: now - 3_600_000 + i * 1000, // an hour ago: buffered while offline
      running: i % 2 === 0,
      dir: 1,
      floor: 1 + (i % 6),
      mode: 1,
    }));
    const before = await countRows('telemetry_status', d.elevatorId);
    const stateBefore = await t
      .http()
      .get(`/api/v1/elevators/${d.elevatorId}/state`)
      .auth(await t.adminToken(), auth);
    await c.publishRaw(`lw/v1/${d.serial}/batch`, JSON.stringify({ items }));
    await c.publishRaw(`lw/v1/${d.serial}/batch`, JSON.stringify({ items }));
    await c.publishRaw(`lw/v1/${d.serial}/batch`, JSON.stringify({ items: items.slice(5, 10) }));
    await t.app.get(IngestService).drain();
    expect(await countRows('telemetry_status', d.elevatorId)).toBe(before + 20);
    const [late] = await t.db.query<Array<{ ts: Date }>>(
      `SELECT ts FROM telemetry_status WHERE elevator_id = $1 AND seq = $2`,
      [d.elevatorId, 1_000_000],
    );
    expect(late?.ts.getTime()).toBe(now - 3_600_000);
    const stateAfter = await t
      .http()
      .get(`/api/v1/elevators/${d.elevatorId}/state`)
      .auth(await t.adminToken(), auth);
    expect(stateAfter.body.ts).toBe(stateBefore.body.ts); // an hour-old replay does not move live state back
    await c.stop();
  });

  it('should buffer through a connection loss, mark the elevator offline by Last Will, and replay without duplicates', async () => {
    const d = device(1);
    const startedAt = new Date();
    const c = controller(1, { statusIntervalMs: 40 });
    const generated: number[] = [];
    const sample = c.sampleStatus.bind(c);
    c.sampleStatus = () => {
      sample();
      generated.push((c as unknown as { seq: number }).seq);
    };
    await c.start();
    await new Promise((r) => setTimeout(r, 300));
    const drop = c.dropConnection(1200);
    await waitFor(
      async () => {
        const s = await t
          .http()
          .get(`/api/v1/elevators/${d.elevatorId}/state`)
          .auth(await t.adminToken(), auth);
        return s.body.online === false;
      },
      5000,
      'offline by Last Will',
    );
    await drop;
    await new Promise((r) => setTimeout(r, 300));
    await c.stop();
    await waitFor(async () => (await countRows('telemetry_status', d.elevatorId)) > 0, 5000, 'rows');
    await t.app.get(IngestService).drain();
    expect(c.stats.replayed).toBeGreaterThan(5);
    const rows = await t.db.query<Array<{ seq: string }>>(
      `SELECT seq FROM telemetry_status WHERE elevator_id = $1 AND received_at >= $2 ORDER BY seq`,
      [d.elevatorId, startedAt],
    );
    // Every status sample the controller produced — before, during and after the outage — is
    // stored exactly once.
    expect(rows.map((r) => Number(r.seq))).toEqual(generated);
  });

  it('should acknowledge only after commit and hold devices back while the database is blocked', async () => {
    const d = device(4);
    const c = controller(4);
    await c.start();
    const before = await countRows('telemetry_status', d.elevatorId);
    // Another session holds the table: every batch write waits, as it would on a slow or down database.
    const blocker = t.db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('LOCK TABLE telemetry_status IN ACCESS EXCLUSIVE MODE');
    try {
      for (let i = 0; i < 30; i++) c.sampleStatus();
      await new Promise((r) => setTimeout(r, 800));
      // Nothing is committed, so nothing is acknowledged: the device still holds all 30.
      expect(c.inFlight).toBe(30);
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    await waitFor(() => c.inFlight === 0, 10_000, 'acknowledgements after the database is back');
    expect(await countRows('telemetry_status', d.elevatorId)).toBe(before + 30);
    await c.stop();
  });

  it('should take a device speaking MQTT 3.1 (MQIsdp), as docs/protocol.md says', async () => {
    const d = device(3);
    const before = await countRows('telemetry_status', d.elevatorId);
    const c = controller(3, { mqtt: { protocolVersion: 3, protocolId: 'MQIsdp' } });
    await c.start();
    c.sampleStatus();
    await waitFor(() => c.inFlight === 0, 10_000, 'the PUBACK');
    await t.app.get(IngestService).drain();
    expect(await countRows('telemetry_status', d.elevatorId)).toBe(before + 1);
    await c.stop();
  });

  it('should send a configuration command to a device, which applies it', async () => {
    const d = device(3);
    const c = controller(3);
    await c.start();
    const received = new Promise<string>((resolve) =>
      c.once('command', (_topic: string, text: string) => resolve(text)),
    );
    const [row] = await t.db.query<Array<{ id: string }>>('SELECT id FROM devices WHERE serial = $1', [
      d.serial,
    ]);
    const res = await t
      .http()
      .post(`/api/v1/devices/${row?.id}/commands`)
      .auth(await t.adminToken(), auth)
      .send({ statusIntervalS: 5 })
      .expect(202);
    expect(res.body).toEqual({
      topic: `lw/v1/${d.serial}/cmd`,
      command: { cmd: 'config', statusIntervalS: 5 },
    });
    expect(JSON.parse(await received)).toEqual({ cmd: 'config', statusIntervalS: 5 });
    await t
      .http()
      .post(`/api/v1/devices/${row?.id}/commands`)
      .auth(await t.adminToken(), auth)
      .send({ statusIntervalS: 0 })
      .expect(400);
    await c.stop();
  });

  it('should close a revoked device’s connection and refuse it from then on', async () => {
    const [fresh] = await provisionSimDevices(t, baseUrl, 1);
    const d = fresh;
    const c = quietController(d, mqttUrl);
    open.push(c);
    await c.start();
    expect(c.connected).toBe(true);
    const [row] = await t.db.query<Array<{ id: string }>>('SELECT id FROM devices WHERE serial = $1', [
      d.serial,
    ]);
    await t
      .http()
      .post(`/api/v1/devices/${row?.id}/revoke`)
      .auth(await t.adminToken(), auth)
      .expect(200);
    await waitFor(() => !c.connected, 5000, 'connection closed after revocation');
    const refused = await connectRefused(mqttUrl, d.serial, d.secret);
    expect(refused.message).toMatch(/Bad username or password/i);
    await c.stop();
  });

  it('should accept MQTT over WebSocket', async () => {
    const d = device(0);
    const c = controller(0, { url: wsUrl });
    await c.start();
    const before = await countRows('telemetry_status', d.elevatorId);
    c.sampleStatus();
    c.sampleStatus();
    await waitFor(
      async () => (await countRows('telemetry_status', d.elevatorId)) >= before + 2,
      5000,
      'rows over websocket',
    );
    await c.stop();
  });

  it('should roll up trips, door cycles, running time and kWh across a meter replacement', async () => {
    const d = device(0);
    const c = controller(0);
    await c.start();
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000; // two hours ago, whole hour
    let seq = 2_000_000;
    const sample = (sec: number, running: boolean, doorClosed: boolean) => ({
      ch: 'status',
      seq: seq++,
      ts: hour + sec * 1000,
      running,
      dir: running ? 1 : 0,
      floor: 1,
      doorClosed,
      mode: 1,
    });
    // two trips of 20 s each, each followed by a door cycle
    const status = [
      sample(0, false, true),
      sample(10, true, true),
      sample(20, true, true),
      sample(30, false, true),
      sample(35, false, false),
      sample(40, false, true),
      sample(100, true, true),
      sample(110, true, true),
      sample(120, false, true),
      sample(125, false, false),
      sample(130, false, true),
    ];
    const meter = (sec: number, kwh: number, meterId: string) => ({
      ch: 'meter',
      seq: seq++,
      ts: hour + sec * 1000,
      kwh,
      meterId,
    });
    // 100.0 → 100.5 → 101.0 on meter A; replaced by meter B starting at 0.2, then 0.7
    const meters = [
      meter(1, 100, 'A'),
      meter(600, 100.5, 'A'),
      meter(1200, 101, 'A'),
      meter(1800, 0.2, 'B'),
      meter(2400, 0.7, 'B'),
    ];
    await c.publishRaw(`lw/v1/${d.serial}/batch`, JSON.stringify({ items: [...status, ...meters] }));
    await c.publishRaw(
      `lw/v1/${d.serial}/event`,
      JSON.stringify({ seq: seq++, ts: hour + 50_000, code: '02', state: 'set' }),
    );
    await t.app.get(IngestService).drain();
    // a PUBACK is the broker's receipt, not the commit: wait until every row of that hour is in
    const inHour = async (table: string): Promise<number> => {
      const [row] = await t.db.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM ${table} WHERE elevator_id = $1 AND ts >= $2 AND ts < $3`,
        [d.elevatorId, new Date(hour), new Date(hour + 3_600_000)],
      );
      return Number(row?.n);
    };
    await waitFor(
      async () =>
        (await inHour('telemetry_status')) === status.length &&
        (await inHour('meter_readings')) === meters.length &&
        (await inHour('device_events')) === 1,
      10_000,
      "the hour's rows committed",
    );
    await t.app.get(TelemetryJobsService).refreshRollups();
    const res = await t
      .http()
      .get(`/api/v1/elevators/${d.elevatorId}/history`)
      .query({
        bucket: 'hour',
        from: new Date(hour).toISOString(),
        to: new Date(hour + 3_600_000).toISOString(),
      })
      .auth(await t.adminToken(), auth)
      .expect(200);
    expect(res.body).toEqual([
      {
        bucket: new Date(hour).toISOString(),
        trips: 2,
        doorCycles: 2,
        runningSeconds: 40,
        kwh: 1.5,
        faultCount: 1,
        samples: 11,
      },
    ]);
    const daily = await t
      .http()
      .get(`/api/v1/elevators/${d.elevatorId}/history?bucket=day`)
      .auth(await t.adminToken(), auth)
      .expect(200);
    expect((daily.body as Array<{ trips: number }>).reduce((n, r) => n + r.trips, 0)).toBeGreaterThanOrEqual(
      2,
    );
    await c.stop();
  });
});
