import { type SimulatedController } from '../device-sim/src';
import { IngestService } from '@liftwatch/telemetry';
import { provisionSimDevices, quietController } from './support/sim';
import { startTestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface StateBody {
  floor: number | null;
  doorClosed: boolean | null;
  seq: number | null;
  ts: string | null;
  lastSeenAt: string | null;
  online: boolean;
}

/**
 * Live-state rows are written with their batch only when something shown changes; a sample that
 * only moves the times waits up to INGEST_LIVE_REFRESH_MS (see LiveWritePlanner). The samples
 * themselves are always committed before the acknowledgement.
 */
describe('live-state writes (embedded broker, real PostgreSQL)', () => {
  const auth = { type: 'bearer' as const };
  const open: SimulatedController[] = [];

  afterAll(async () => {
    for (const c of open) await c.stop().catch(() => undefined);
  });

  async function platform(env: Record<string, string>) {
    const t = await startTestApp(env);
    const mqttUrl = `mqtt://127.0.0.1:${(await t.startBroker()).tcpPort}`;
    const baseUrl = await t.listen();
    const [d] = await provisionSimDevices(t, baseUrl, 1);
    const c = quietController(d, mqttUrl);
    open.push(c);
    await c.start();
    const state = async (): Promise<StateBody> =>
      (
        await t
          .http()
          .get(`/api/v1/elevators/${d.elevatorId}/state`)
          .auth(await t.adminToken(), auth)
          .expect(200)
      ).body as StateBody;
    const stored = async (seq: number): Promise<number> => {
      const [row] = await t.db.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM telemetry_status WHERE elevator_id = $1 AND seq = $2`,
        [d.elevatorId, seq],
      );
      return Number(row?.n);
    };
    return { t, d, c, state, stored };
  }

  const sample = (seq: number, ts: number, floor: number, doorClosed = true): string =>
    JSON.stringify({
      seq,
      ts,
      running: false,
      dir: 0,
      floor,
      doorZone: true,
      doorClosed,
      passenger: false,
      mode: 1,
    });

  it('should write a shown change at once, hold back a sample that only moves the times, and write it on drain', async () => {
    // A refresh far longer than the test: what is in the row right after an acknowledgement is
    // decided by the rule, not by timing.
    const { t, d, c, state, stored } = await platform({
      INGEST_LIVE_REFRESH_MS: '60000',
      ALARM_OFFLINE_AFTER_S: '3600',
    });
    try {
      const t0 = Date.now() - 10_000;
      await c.publishRaw(`lw/v1/${d.serial}/status`, sample(1, t0, 2));
      const first = await state();
      expect(first).toMatchObject({ floor: 2, seq: 1, online: true });
      expect(Date.parse(first.ts ?? '')).toBe(t0);

      // Same floor, doors still closed: stored and acknowledged, the row keeps its times for now.
      await c.publishRaw(`lw/v1/${d.serial}/status`, sample(2, t0 + 1000, 2));
      expect(await stored(2)).toBe(1);
      const held = await state();
      expect(held).toMatchObject({ floor: 2, seq: 1 });
      expect(held.lastSeenAt).toBe(first.lastSeenAt);

      // The doors open: in the row at once, with the newest sample's time and sequence.
      await c.publishRaw(`lw/v1/${d.serial}/status`, sample(3, t0 + 2000, 2, false));
      const changed = await state();
      expect(changed).toMatchObject({ floor: 2, doorClosed: false, seq: 3 });
      expect(Date.parse(changed.ts ?? '')).toBe(t0 + 2000);

      // Another quiet sample, then a drain (as at shutdown): the row catches up.
      await c.publishRaw(`lw/v1/${d.serial}/status`, sample(4, t0 + 3000, 2, false));
      expect((await state()).seq).toBe(3);
      await t.app.get(IngestService).drain();
      const drained = await state();
      expect(drained).toMatchObject({ seq: 4, doorClosed: false });
      expect(Date.parse(drained.ts ?? '')).toBe(t0 + 3000);
      expect(Date.parse(drained.lastSeenAt ?? '')).toBeGreaterThan(Date.parse(changed.lastSeenAt ?? ''));
    } finally {
      await c.stop();
      await t.close();
    }
  });

  it('should write a held-back row by itself once the refresh interval has passed, with no more traffic', async () => {
    const { t, d, c, state } = await platform({ INGEST_LIVE_REFRESH_MS: '300' });
    try {
      const t0 = Date.now() - 5000;
      await c.publishRaw(`lw/v1/${d.serial}/status`, sample(1, t0, 4));
      await c.publishRaw(`lw/v1/${d.serial}/status`, sample(2, t0 + 1000, 4));
      // No drain, no further message: the lane's own timer writes it.
      const caught = await waitFor(
        async () => ((await state()).seq === 2 ? state() : undefined),
        10_000,
        'seq 2',
      );
      expect(Date.parse(caught.ts ?? '')).toBe(t0 + 1000);
      expect(caught.floor).toBe(4);
    } finally {
      await c.stop();
      await t.close();
    }
  });
});
