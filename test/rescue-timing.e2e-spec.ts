import { type DeviceCredentials, SimulatedController } from '../device-sim/src';
import { AlarmSweeper } from '@liftwatch/alarms';
import { IngestService } from '@liftwatch/telemetry';
import { contractElevators, createFleet, type Fleet } from './support/fleet.fixture';
import { provisionSimDevices } from './support/sim';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface AlarmBody {
  id: string;
  type: string;
  status: string;
  firstSeenTs: string;
  notifiedTs: string | null;
  rescueDeadline: string | null;
  conditionClearedTs: string | null;
  trappedSeconds: number | null;
  escalationLevel: number;
  arrivedAt: string | null;
  arrivalSource: string | null;
  arrivalVsDeadlineSeconds: number | null;
  timeline: Array<{ kind: string; actor: string; data: Record<string, unknown> | null }>;
  arrivals: Array<{ source: string; kind: string; at: string; recordedBy: string; reason: string | null }>;
}

const THRESHOLD_S = 2;
const LIMIT_MS = 30 * 60_000; // the test regions' rescue arrival limit (default 30 min)

/**
 * Rescue timing that holds up in a claim: the deadline runs from the device-time moment the
 * platform counts as notified, an entrapment replayed after the fact never escalates, and arrival
 * on site is evidence with its source.
 */
describe('rescue timing in device time, arrival as evidence', () => {
  let t: TestApp;
  let mqttUrl: string;
  let devices: DeviceCredentials[];
  let fleet: Fleet;
  let firm: string;
  const controllers: SimulatedController[] = [];

  beforeAll(async () => {
    t = await startTestApp({ ALARM_ENTRAPMENT_SECONDS: String(THRESHOLD_S), ALARM_SWEEP_MS: '60000' });
    mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    devices = await provisionSimDevices(t, await t.listen(), 5);
    fleet = await createFleet(t);
    await contractElevators(
      t,
      fleet.orgs.firmA,
      devices.map((d) => d.elevatorId),
    );
    firm = await t.login(fleet.users.firmA);
  });

  afterAll(async () => {
    for (const c of controllers) await c.stop().catch(() => undefined);
    await t.close();
  });

  const device = async (i: number): Promise<{ d: DeviceCredentials; c: SimulatedController }> => {
    const d = devices[i];
    const c = new SimulatedController({
      url: mqttUrl,
      serial: d.serial,
      secret: d.secret,
      floors: d.floors,
      periodic: false,
    });
    controllers.push(c);
    await c.start();
    return { d, c };
  };
  const sample = (
    seq: number,
    ts: number,
    o: { trapped?: boolean; mode?: number; doorClosed?: boolean; running?: boolean },
  ) => ({
    ch: 'status',
    seq,
    ts,
    running: o.running ?? false,
    dir: 0,
    floor: 3,
    doorZone: !o.trapped,
    doorClosed: o.doorClosed ?? true,
    passenger: o.trapped ?? false,
    mode: o.mode ?? 1,
  });
  const entrapmentOf = async (elevatorId: string): Promise<AlarmBody | undefined> => {
    const list = (await t.get(firm, `/alarms?elevatorId=${elevatorId}&type=entrapment`).expect(200)).body as {
      items: AlarmBody[];
    };
    const first = list.items[0];
    return first ? ((await t.get(firm, `/alarms/${first.id}`).expect(200)).body as AlarmBody) : undefined;
  };
  const sweep = () => t.app.get(AlarmSweeper).sweep(true);

  it('should date the deadline of an entrapment replayed days later from its own device time, and never escalate it', async () => {
    const { d, c } = await device(0);
    const start = Date.now() - 5 * 86_400_000;
    const items = [
      sample(10, start, { trapped: true }),
      sample(11, start + 20_000, { trapped: true }),
      sample(12, start + 95_000, { trapped: true }),
      sample(13, start + 100_000, { running: true }),
    ];
    await c.publishRaw(`lw/v1/${d.serial}/batch`, JSON.stringify({ items }));
    await t.app.get(IngestService).drain();
    const alarm = (await entrapmentOf(d.elevatorId)) as AlarmBody;
    expect(alarm).toBeDefined();
    // Notified when the condition had held for the threshold, in device time; the deadline 30 min on.
    expect(Date.parse(alarm.notifiedTs ?? '')).toBe(start + THRESHOLD_S * 1000);
    expect(Date.parse(alarm.rescueDeadline ?? '')).toBe(start + THRESHOLD_S * 1000 + LIMIT_MS);
    expect(alarm.trappedSeconds).toBe(100);
    expect(alarm.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['opened', 'reported_after_release']),
    );
    // Its deadline is long past, but the passengers were out before anyone heard of it.
    await sweep();
    await sweep();
    expect(((await entrapmentOf(d.elevatorId)) as AlarmBody).escalationLevel).toBe(0);
  });

  it('should escalate a live entrapment whose deadline, counted in device time, has passed', async () => {
    const { d, c } = await device(1);
    // Trapped for 40 min already when the controller's buffer reaches the platform, still trapped.
    const start = Date.now() - 40 * 60_000;
    await c.publishRaw(
      `lw/v1/${d.serial}/batch`,
      JSON.stringify({
        items: [sample(20, start, { trapped: true }), sample(21, Date.now() - 1000, { trapped: true })],
      }),
    );
    await t.app.get(IngestService).drain();
    await sweep();
    await waitFor(
      async () => ((await entrapmentOf(d.elevatorId))?.escalationLevel ?? 0) === 2,
      5000,
      'escalation',
    );
    const alarm = (await entrapmentOf(d.elevatorId)) as AlarmBody;
    expect(Date.parse(alarm.rescueDeadline ?? '')).toBe(start + THRESHOLD_S * 1000 + LIMIT_MS);
    expect(alarm.timeline.map((e) => e.kind)).toContain('deadline_passed');
  });

  it('should record a technician’s check-in at the car as the arrival, before the deadline', async () => {
    const { d, c } = await device(2);
    const start = Date.now() - 5000;
    await c.publishRaw(
      `lw/v1/${d.serial}/batch`,
      JSON.stringify({
        items: [sample(30, start, { trapped: true }), sample(31, Date.now() - 500, { trapped: true })],
      }),
    );
    await t.app.get(IngestService).drain();
    const alarm = (await entrapmentOf(d.elevatorId)) as AlarmBody;
    const [elevator] = await t.db.query<Array<{ registration_code: string }>>(
      `SELECT registration_code FROM elevators WHERE id = $1`,
      [d.elevatorId],
    );
    // A code scanned in another car is refused.
    const wrong = await t.post(firm, `/alarms/${alarm.id}/check-in`, {
      registrationCode: '31104401060000000000',
    });
    expect(wrong.status).toBe(422);
    const before = Date.now();
    const res = await t
      .post(firm, `/alarms/${alarm.id}/check-in`, {
        registrationCode: elevator.registration_code,
        note: '已到达',
      })
      .expect(200);
    const body = res.body as AlarmBody;
    expect(body.status).toBe('on_site');
    expect(body.arrivalSource).toBe('check_in');
    expect(Date.parse(body.arrivedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    // Arrived well within the 30 min: negative seconds against the deadline.
    expect(body.arrivalVsDeadlineSeconds).toBeLessThan(-25 * 60);
    expect(body.arrivals).toEqual([
      expect.objectContaining({ source: 'check_in', kind: 'check_in', recordedBy: fleet.users.firmA }),
    ]);
    // Rescuers are there: no escalation.
    await sweep();
    expect(((await entrapmentOf(d.elevatorId)) as AlarmBody).escalationLevel).toBe(0);
  });

  it('should take the elevator’s own evidence (inspection mode) and a back-dated entry with its reason', async () => {
    const { d, c } = await device(3);
    const start = Date.now() - 20 * 60_000;
    await c.publishRaw(
      `lw/v1/${d.serial}/batch`,
      JSON.stringify({
        items: [
          sample(40, start, { trapped: true }),
          sample(41, start + 60_000, { trapped: true }),
          // 12 minutes in, the technician switches the car to inspection mode
          sample(42, start + 12 * 60_000, { trapped: true, mode: 2 }),
        ],
      }),
    );
    await t.app.get(IngestService).drain();
    const alarm = (await entrapmentOf(d.elevatorId)) as AlarmBody;
    // Back-dated: refused without a reason, or before the condition began; accepted with one.
    expect(
      (await t.post(firm, `/alarms/${alarm.id}/arrival`, { at: new Date(start + 11 * 60_000).toISOString() }))
        .status,
    ).toBe(400);
    expect(
      (
        await t.post(firm, `/alarms/${alarm.id}/arrival`, {
          at: new Date(start - 60_000).toISOString(),
          reason: '补录到达时间',
        })
      ).status,
    ).toBe(400);
    const manual = (
      await t
        .post(firm, `/alarms/${alarm.id}/arrival`, {
          at: new Date(start + 15 * 60_000).toISOString(),
          reason: '现场无信号，事后补录',
        })
        .expect(200)
    ).body as AlarmBody;
    expect(manual.arrivalSource).toBe('manual');
    await sweep();
    const after = (await entrapmentOf(d.elevatorId)) as AlarmBody;
    // The elevator's own data is direct evidence and beats the back-dated entry.
    expect(after.arrivalSource).toBe('device');
    expect(Date.parse(after.arrivedAt ?? '')).toBe(start + 12 * 60_000);
    expect(after.arrivalVsDeadlineSeconds).toBe((12 * 60_000 - THRESHOLD_S * 1000 - LIMIT_MS) / 1000);
    expect(after.arrivals.map((a) => `${a.source}:${a.kind}`)).toEqual([
      'device:inspection_mode',
      'manual:backdated',
    ]);
    const audit = (
      await t.get(await t.adminToken(), `/audit-log?entityType=alarm&entityId=${alarm.id}`).expect(200)
    ).body as { items: Array<{ action: string }> };
    expect(audit.items.map((a) => a.action)).toContain('alarm.arrival.manual');
  });

  it('should report rescue performance to the regulator of the region', async () => {
    const regulator = await t.login(fleet.users.regulatorGz);
    const from = new Date(Date.now() - 6 * 86_400_000).toISOString();
    const res = await t.get(regulator, `/reports/rescue-performance?from=${from}`).expect(200);
    const r = res.body as {
      entrapments: number;
      withinLimit: number;
      withinLimitShare: number;
      medianArrivalSeconds: number;
      arrivalSources: Record<string, number>;
      byFirm: Array<{ firm: string; entrapments: number }>;
    };
    expect(r.entrapments).toBeGreaterThanOrEqual(4);
    expect(r.withinLimit).toBeGreaterThanOrEqual(2);
    expect(r.arrivalSources.check_in).toBeGreaterThanOrEqual(1);
    expect(r.arrivalSources.device).toBeGreaterThanOrEqual(1);
    expect(r.byFirm.some((f) => f.entrapments >= 4)).toBe(true);
    // Another region's regulator sees none of these.
    const hz = (
      await t
        .get(await t.login(fleet.users.regulatorHz), `/reports/rescue-performance?from=${from}`)
        .expect(200)
    ).body as { entrapments: number };
    expect(hz.entrapments).toBe(0);
  });
});
