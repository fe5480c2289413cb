import { type StatusRow } from './decode';
import { LiveWritePlanner, mergeTouches } from './live-write-plan';
import { type LiveStateRow, type LiveTouch } from './telemetry-write.repository';

const E1 = '00000000-0000-4000-8000-000000000001';
const E2 = '00000000-0000-4000-8000-000000000002';
const D1 = '10000000-0000-4000-8000-000000000001';
const D2 = '10000000-0000-4000-8000-000000000002';

function sample(ts: number, seq: number, over: Partial<StatusRow> = {}, elevatorId = E1): StatusRow {
  return {
    elevatorId,
    deviceId: D1,
    ts,
    seq,
    receivedAt: ts + 20,
    running: false,
    direction: 0,
    floor: 3,
    doorZone: true,
    doorClosed: true,
    passenger: false,
    mode: 0,
    speedMps: 0,
    loadKg: 0,
    ...over,
  };
}

function touch(s: StatusRow | null, over: Partial<LiveTouch> = {}): LiveTouch {
  return {
    elevatorId: s?.elevatorId ?? E1,
    deviceId: D1,
    status: s,
    meter: null,
    online: true,
    lastSeenAt: s ? s.receivedAt : null,
    ...over,
  };
}

/** What the upsert returns for a written touch over what the row held (the "newer wins" rule). */
function stored(t: LiveTouch, before?: LiveStateRow): LiveStateRow {
  const s = t.status;
  const newer = s && (!before?.ts || s.ts > before.ts.getTime());
  return {
    elevator_id: t.elevatorId,
    device_id: t.deviceId,
    ts: newer ? new Date(s.ts) : (before?.ts ?? null),
    seq: newer ? String(s.seq) : (before?.seq ?? null),
    running: newer ? s.running : (before?.running ?? null),
    direction: newer ? s.direction : (before?.direction ?? null),
    floor: newer ? s.floor : (before?.floor ?? null),
    door_zone: newer ? s.doorZone : (before?.door_zone ?? null),
    door_closed: newer ? s.doorClosed : (before?.door_closed ?? null),
    passenger: newer ? s.passenger : (before?.passenger ?? null),
    mode: newer ? s.mode : (before?.mode ?? null),
    // float4 column: what comes back is the single-precision value
    speed_mps: newer ? (s.speedMps === null ? null : Math.fround(s.speedMps)) : (before?.speed_mps ?? null),
    load_kg: newer ? s.loadKg : (before?.load_kg ?? null),
    kwh: t.meter ? String(t.meter.kwh) : (before?.kwh ?? null),
    kwh_ts: t.meter ? new Date(t.meter.ts) : (before?.kwh_ts ?? null),
    online: t.online,
    online_changed_at: null,
    // greatest(old, new), as the upsert does
    last_seen_at:
      t.lastSeenAt === null
        ? (before?.last_seen_at ?? null)
        : new Date(Math.max(t.lastSeenAt, before?.last_seen_at?.getTime() ?? 0)),
    updated_at: new Date(),
  };
}

/** A planner with a simulated table: plans, "writes" and commits one transaction per call. */
function lane(refreshMs = 5000) {
  const planner = new LiveWritePlanner(refreshMs);
  const table = new Map<string, LiveStateRow>();
  const tx = (touches: LiveTouch[], now: number, everything = false) => {
    const plan = planner.plan(touches, now, everything);
    const rows = plan.write.map((t) => {
      const r = stored(t, table.get(t.elevatorId));
      table.set(t.elevatorId, r);
      return r;
    });
    planner.committed(plan, rows, now);
    return plan;
  };
  return { planner, table, tx };
}

describe('LiveWritePlanner', () => {
  it('writes the first touch of an elevator it does not know', () => {
    const { tx } = lane();
    expect(tx([touch(sample(1000, 1))], 1000).write).toHaveLength(1);
  });

  it('defers a newer sample that changes nothing shown, and writes it once due', () => {
    const { tx, table, planner } = lane(5000);
    tx([touch(sample(1000, 1))], 1000);
    const p = tx([touch(sample(2000, 2))], 2000);
    expect(p.write).toHaveLength(0);
    expect(p.defer).toHaveLength(1);
    expect(planner.waitingCount).toBe(1);
    expect(planner.nextDueAt()).toBe(7000);
    expect(table.get(E1)?.ts?.getTime()).toBe(1000);
    // more unchanged samples merge into the waiting touch; its due time stays
    expect(tx([touch(sample(3000, 3))], 3000).write).toHaveLength(0);
    expect(planner.nextDueAt()).toBe(7000);
    // not yet due
    expect(tx([], 6999).write).toHaveLength(0);
    // due: written with the newest sample and last-seen time
    const due = tx([], 7000);
    expect(due.write).toHaveLength(1);
    expect(table.get(E1)?.ts?.getTime()).toBe(3000);
    expect(table.get(E1)?.seq).toBe('3');
    expect(table.get(E1)?.last_seen_at?.getTime()).toBe(3020);
    expect(planner.waitingCount).toBe(0);
    expect(planner.nextDueAt()).toBeNull();
  });

  it.each<[string, Partial<StatusRow>]>([
    ['floor', { floor: 4 }],
    ['running', { running: true }],
    ['direction', { direction: 1 }],
    ['door zone', { doorZone: false }],
    ['door closed', { doorClosed: false }],
    ['passenger', { passenger: true }],
    ['mode', { mode: 2 }],
    ['speed', { speedMps: 0.5 }],
    ['load', { loadKg: 80 }],
    ['floor to unknown', { floor: null }],
  ])('writes at once a newer sample whose %s changed', (_name, change) => {
    const { tx, table } = lane();
    tx([touch(sample(1000, 1))], 1000);
    expect(tx([touch(sample(2000, 2, change))], 2000).write).toHaveLength(1);
    expect(table.get(E1)?.ts?.getTime()).toBe(2000);
  });

  it('compares speed at the precision the table keeps (float4)', () => {
    const { tx } = lane();
    tx([touch(sample(1000, 1, { speedMps: 1.1 }))], 1000);
    expect(tx([touch(sample(2000, 2, { speedMps: 1.1 }))], 2000).write).toHaveLength(0);
    expect(tx([touch(sample(3000, 3, { speedMps: 1.2 }))], 3000).write).toHaveLength(1);
  });

  it('takes the waiting touch along when a visible change is written (newest sample wins)', () => {
    const { tx, table, planner } = lane();
    tx([touch(sample(1000, 1))], 1000);
    tx([touch(sample(2000, 2))], 2000);
    const p = tx([touch(sample(3000, 3, { floor: 5 }))], 3000);
    expect(p.write).toHaveLength(1);
    expect(p.taken).toEqual([E1]);
    expect(planner.waitingCount).toBe(0);
    expect(table.get(E1)?.floor).toBe(5);
    expect(table.get(E1)?.ts?.getTime()).toBe(3000);
  });

  it('writes online changes, meter readings and a device change at once', () => {
    const { tx } = lane();
    tx([touch(sample(1000, 1))], 1000);
    expect(tx([touch(null, { online: false, lastSeenAt: null })], 1500).write).toHaveLength(1);
    expect(tx([touch(sample(2000, 2))], 2000).write).toHaveLength(1); // back online
    const meter = {
      elevatorId: E1,
      deviceId: D1,
      ts: 2500,
      seq: 9,
      receivedAt: 2510,
      meterId: 'm1',
      kwh: 12.5,
    };
    expect(tx([touch(null, { meter, lastSeenAt: 2510 })], 2500).write).toHaveLength(1);
    expect(tx([touch(sample(3000, 3), { deviceId: D2 })], 3000).write).toHaveLength(1);
  });

  it('defers an older (late) sample: the row keeps its newer one and only last-seen moves', () => {
    const { tx, table } = lane();
    tx([touch(sample(5000, 5))], 5000);
    const p = tx([touch(sample(4000, 4, { floor: 9, receivedAt: 5090 }))], 5100);
    expect(p.write).toHaveLength(0);
    tx([], 10_100);
    expect(table.get(E1)?.floor).toBe(3);
    expect(table.get(E1)?.ts?.getTime()).toBe(5000);
    expect(table.get(E1)?.last_seen_at?.getTime()).toBe(5090);
  });

  it('writes everything waiting when asked to (drain), and each elevator once', () => {
    const { tx, planner } = lane();
    tx([touch(sample(1000, 1)), touch(sample(1000, 1, {}, E2))], 1000);
    tx([touch(sample(2000, 2)), touch(sample(2000, 2, {}, E2))], 2000);
    expect(planner.waitingCount).toBe(2);
    const p = tx([touch(sample(2500, 3))], 2500, true);
    expect(p.write.map((t) => t.elevatorId).sort()).toEqual([E1, E2]);
    expect(p.write.find((t) => t.elevatorId === E1)?.status?.seq).toBe(3);
    expect(planner.waitingCount).toBe(0);
  });

  it('writes only the touches that are due, oldest first', () => {
    const { tx, planner } = lane(1000);
    tx([touch(sample(0, 1)), touch(sample(0, 1, {}, E2))], 0);
    tx([touch(sample(100, 2))], 100);
    tx([touch(sample(600, 2, {}, E2))], 600);
    expect(tx([], 1099).write).toHaveLength(0);
    expect(tx([], 1100).write.map((t) => t.elevatorId)).toEqual([E1]);
    expect(planner.nextDueAt()).toBe(1600);
  });

  it('writes every touch with refreshMs 0', () => {
    const { tx, planner } = lane(0);
    tx([touch(sample(1000, 1))], 1000);
    expect(tx([touch(sample(2000, 2))], 2000).write).toHaveLength(1);
    expect(planner.waitingCount).toBe(0);
  });

  it('keeps waiting touches when a transaction does not commit, and drops them on discard', () => {
    const { tx, planner } = lane(1000);
    tx([touch(sample(0, 1))], 0);
    tx([touch(sample(100, 2))], 100);
    const failed = planner.plan([], 2000); // rolled back: never committed
    expect(failed.taken).toEqual([E1]);
    expect(planner.waitingCount).toBe(1);
    planner.discard(failed);
    expect(planner.waitingCount).toBe(0);
  });
});

describe('mergeTouches', () => {
  it('keeps the newest sample and meter, the latest last-seen time and the later online flag', () => {
    const a = touch(sample(2000, 2), { lastSeenAt: 2100 });
    const b = touch(sample(1000, 1), { lastSeenAt: 1100, online: false });
    const m = mergeTouches(a, b);
    expect(m.status?.seq).toBe(2);
    expect(m.lastSeenAt).toBe(2100);
    expect(m.online).toBe(false);
    expect(mergeTouches(touch(null, { lastSeenAt: null }), a).lastSeenAt).toBe(2100);
  });
});
