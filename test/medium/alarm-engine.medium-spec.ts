import { DataSource } from 'typeorm';
import { AlarmEngine } from '@liftwatch/alarms';
import { type StatusRow } from '@liftwatch/telemetry';
import { createFleet, type Fleet } from '../support/fleet.fixture';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Medium tier: the alarm rules run against the real test database, called directly with batches
 * as ingest hands them over — no broker, no simulator, no HTTP — so batch shapes an end-to-end
 * test can hardly produce (a whole entrapment in one batch, one sample per batch) are exact.
 */
describe('alarm engine on the real database (medium)', () => {
  let t: TestApp;
  let fleet: Fleet;
  let engine: AlarmEngine;
  const THRESHOLD_S = 2;

  beforeAll(async () => {
    // (almost) no background sweeps: the batches alone decide here
    t = await startTestApp({ ALARM_ENTRAPMENT_SECONDS: String(THRESHOLD_S), ALARM_SWEEP_MS: '60000' });
    fleet = await createFleet(t);
    engine = t.app.get(AlarmEngine);
  });

  afterAll(async () => {
    await t?.close();
  });

  let seq = 0;
  const sample = (elevatorId: string, ts: number, trapped: boolean): StatusRow => ({
    elevatorId,
    deviceId: fleet.devices.d1,
    ts,
    seq: ++seq,
    receivedAt: ts,
    // trapped: stopped with the doors closed and a passenger aboard; otherwise moving
    running: !trapped,
    direction: trapped ? 0 : 1,
    floor: 3,
    doorZone: true,
    doorClosed: true,
    passenger: trapped,
    mode: 0,
    speedMps: trapped ? 0 : 1,
    loadKg: null,
  });

  /** Runs one batch in its own transaction; returns how many rule_state rows it inserted. */
  const batch = async (status: StatusRow[]): Promise<number> => {
    const q = t.app.get(DataSource).createQueryRunner();
    await q.connect();
    await q.startTransaction();
    try {
      const after = await engine.onBatch(q, { status, newEvents: [], live: [] });
      const [stats] = (await q.query(
        `SELECT coalesce(sum(n_tup_ins), 0)::int AS ins FROM pg_stat_xact_user_tables WHERE relname = 'rule_state'`,
      )) as Array<{ ins: number }>;
      await q.commitTransaction();
      after();
      return stats?.ins ?? 0;
    } catch (err) {
      await q.rollbackTransaction();
      throw err;
    } finally {
      await q.release();
    }
  };
  const entrapments = async (elevatorId: string) =>
    await t.db.query<
      Array<{ id: string; status: string; first_seen_ts: Date; condition_cleared_ts: Date | null }>
    >(
      `SELECT id, status, first_seen_ts, condition_cleared_ts FROM alarms WHERE elevator_id = $1 AND type = 'entrapment'
        ORDER BY first_seen_ts`,
      [elevatorId],
    );
  const held = async (elevatorId: string) =>
    await t.db.query<Array<{ since_ts: Date }>>(
      `SELECT since_ts FROM rule_state WHERE elevator_id = $1 AND rule = 'entrapment'`,
      [elevatorId],
    );

  it('should write nothing for a stop with a passenger that begins and ends inside one batch', async () => {
    const e = fleet.elevators.e2;
    const t0 = Date.now() - 60_000;
    const inserted = await batch([
      sample(e, t0, false),
      sample(e, t0 + 500, true),
      sample(e, t0 + 1500, true),
      sample(e, t0 + 1900, false),
    ]);
    expect(inserted).toBe(0);
    expect(await held(e)).toEqual([]);
    expect(await entrapments(e)).toEqual([]);
  });

  it('should raise one alarm, released, for a whole entrapment replayed in one batch, and hold nothing', async () => {
    // (e2, in Guangzhou like e1: other files count Hangzhou's entrapments in the shared database)
    const e = fleet.elevators.e2;
    const t0 = Date.now() - 120_000;
    const status = [sample(e, t0, false)];
    for (let i = 1; i <= 10; i++) status.push(sample(e, t0 + i * 500, true)); // 0.5 s … 5 s trapped
    status.push(sample(e, t0 + 6000, false));
    const inserted = await batch(status);
    expect(inserted).toBe(0);
    expect(await held(e)).toEqual([]);
    const [alarm, ...more] = await entrapments(e);
    expect(more).toEqual([]);
    expect(alarm?.first_seen_ts.getTime()).toBe(t0 + 500);
    expect(alarm?.condition_cleared_ts?.getTime()).toBe(t0 + 6000);
    const kinds = (
      await t.db.query<
        Array<{
          kind: string;
        }>
      >(`SELECT kind FROM alarm_timeline WHERE alarm_id = $1 ORDER BY id`, [alarm?.id])
    ).map((k) => k.kind);
    expect(kinds).toEqual(expect.arrayContaining(['opened', 'reported_after_release']));
  });

  it('should keep a condition spanning batches in memory first, then in rule_state, raise it once and end it', async () => {
    const e = fleet.elevators.e1;
    const t0 = Date.now() - 180_000;
    // 0.4 s: younger than the persistence age (half the threshold) — memory only
    expect(await batch([sample(e, t0, true), sample(e, t0 + 400, true)])).toBe(0);
    expect(await held(e)).toEqual([]);
    // 1.2 s: old enough to survive a restart — written once
    expect(await batch([sample(e, t0 + 1200, true)])).toBe(1);
    expect((await held(e)).map((h) => h.since_ts.getTime())).toEqual([t0]);
    expect(await entrapments(e)).toEqual([]);
    // 2.5 s: past the threshold — one alarm, from the condition's start
    await batch([sample(e, t0 + 2500, true)]);
    await batch([sample(e, t0 + 3000, true)]);
    const open = await entrapments(e);
    expect(open).toHaveLength(1);
    expect(open[0]?.first_seen_ts.getTime()).toBe(t0);
    expect(open[0]?.condition_cleared_ts).toBeNull();
    // released: the condition ends and the release is recorded on the alarm
    await batch([sample(e, t0 + 4000, false)]);
    expect(await held(e)).toEqual([]);
    const [after] = await entrapments(e);
    expect(after?.condition_cleared_ts?.getTime()).toBe(t0 + 4000);
    expect(after?.status).toBe('open'); // people close an entrapment, not the device
  });
});
