import { type LiveStateRow, type LiveTouch } from './telemetry-write.repository';

/**
 * Which live-state rows a batch writes, and which wait.
 *
 * Every status sample used to update its elevator's `elevator_live_state` row in the batch that
 * stored it: at 10 000 msg/s that is 10 000 row updates a second, more WAL than the samples
 * themselves, and a row returned, parsed and compared per sample — while most samples only move
 * the row's time, sequence number and last-seen time (an idle car reports the same floor with its
 * doors closed). So a touch is written with its batch only when it changes something a reader
 * acts on:
 *
 * - the elevator is not known to this lane yet (first touch since start);
 * - another device reports for it, or a meter reading arrives;
 * - the online flag changes (Last Will, offline/online flag, first data after offline);
 * - a newer sample differs in any shown field (running, direction, floor, doors, passenger,
 *   mode, speed, load).
 *
 * Anything else is merged per elevator and written within `refreshMs` of the first such touch,
 * with the next batch of its lane (or on its own when the lane is idle). The stored `ts`, `seq`
 * and `last_seen_at` may so lag the newest committed sample by up to `refreshMs` (plus a batch);
 * the samples themselves are committed before they are acknowledged, as always, and the silent-
 * device rule's threshold is kept at least four times `refreshMs`.
 *
 * The plan is made per transaction and applied only once it commits; a lane has one transaction
 * in flight, so nothing else changes the plan's state meanwhile.
 */
export interface LivePlan {
  /** touches this transaction writes */
  write: LiveTouch[];
  /** touches that wait (applied at commit) */
  defer: LiveTouch[];
  /** waiting touches merged into `write` (removed at commit) */
  taken: string[];
}

/** What the database held for an elevator after this lane last wrote it. */
interface Known {
  deviceId: string;
  online: boolean;
  ts: number | null;
  seq: number | null;
  running: boolean | null;
  direction: number | null;
  floor: number | null;
  doorZone: boolean | null;
  doorClosed: boolean | null;
  passenger: boolean | null;
  mode: number | null;
  /** float4 in the table: compared at that precision */
  speedMps: number | null;
  loadKg: number | null;
}

interface Waiting {
  touch: LiveTouch;
  /** when the first of its merged touches was deferred (Date.now()) */
  since: number;
}

/** Merges a later touch of the same elevator into an earlier one (newest sample and meter win). */
export function mergeTouches(earlier: LiveTouch, later: LiveTouch): LiveTouch {
  const status =
    !earlier.status ||
    (later.status &&
      (later.status.ts > earlier.status.ts ||
        (later.status.ts === earlier.status.ts && later.status.seq > earlier.status.seq)))
      ? later.status
      : earlier.status;
  const meter =
    !earlier.meter || (later.meter && later.meter.ts > earlier.meter.ts) ? later.meter : earlier.meter;
  const seen =
    earlier.lastSeenAt === null
      ? later.lastSeenAt
      : later.lastSeenAt === null
        ? earlier.lastSeenAt
        : Math.max(earlier.lastSeenAt, later.lastSeenAt);
  return {
    elevatorId: later.elevatorId,
    deviceId: later.deviceId,
    status: status ?? null,
    meter: meter ?? null,
    online: later.online,
    lastSeenAt: seen,
  };
}

const fround = (v: number | null): number | null => (v === null ? null : Math.fround(v));

function knownOf(r: LiveStateRow): Known {
  return {
    deviceId: r.device_id,
    online: r.online,
    ts: r.ts ? r.ts.getTime() : null,
    seq: r.seq === null ? null : Number(r.seq),
    running: r.running,
    direction: r.direction,
    floor: r.floor,
    doorZone: r.door_zone,
    doorClosed: r.door_closed,
    passenger: r.passenger,
    mode: r.mode,
    speedMps: fround(r.speed_mps),
    loadKg: r.load_kg,
  };
}

/** Whether a touch changes something a reader acts on, against what the row holds. */
export function changesShownState(t: LiveTouch, k: Known | undefined): boolean {
  if (!k) return true;
  if (t.deviceId !== k.deviceId || t.meter !== null || t.online !== k.online) return true;
  const s = t.status;
  if (!s) return false;
  const newer = k.ts === null || s.ts > k.ts || (s.ts === k.ts && k.seq !== null && s.seq > k.seq);
  if (!newer) return false; // the row keeps its newer sample: only last_seen_at moves
  return (
    s.running !== k.running ||
    s.direction !== k.direction ||
    s.floor !== k.floor ||
    s.doorZone !== k.doorZone ||
    s.doorClosed !== k.doorClosed ||
    s.passenger !== k.passenger ||
    s.mode !== k.mode ||
    fround(s.speedMps) !== k.speedMps ||
    s.loadKg !== k.loadKg
  );
}

/** One lane's live-state write plan (see LivePlan). */
export class LiveWritePlanner {
  private readonly known = new Map<string, Known>();
  /** insertion order = order of `since`: the front is always the next due */
  private readonly waiting = new Map<string, Waiting>();

  /** `refreshMs` 0 writes every touch with its batch. */
  constructor(private readonly refreshMs: number) {}

  /** Touches waiting to be written. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** When the oldest waiting touch is due (Date.now() time), or null when none waits. */
  nextDueAt(): number | null {
    for (const w of this.waiting.values()) return w.since + this.refreshMs;
    return null;
  }

  /**
   * Splits a transaction's touches (one per elevator) into the ones it writes and the ones that
   * wait; waiting touches that are due — or all of them with `everything` (drain) — go along.
   */
  plan(touches: readonly LiveTouch[], now: number, everything = false): LivePlan {
    const write = new Map<string, LiveTouch>();
    const defer: LiveTouch[] = [];
    const taken: string[] = [];
    for (const t of touches) {
      const w = this.waiting.get(t.elevatorId);
      if (this.refreshMs <= 0 || changesShownState(t, this.known.get(t.elevatorId))) {
        write.set(t.elevatorId, w ? mergeTouches(w.touch, t) : t);
        if (w) taken.push(t.elevatorId);
      } else {
        defer.push(t);
      }
    }
    for (const [id, w] of this.waiting) {
      if (!everything && w.since + this.refreshMs > now) break;
      if (write.has(id)) continue;
      taken.push(id);
      write.set(id, w.touch);
    }
    // A deferred touch of an elevator whose waiting touch goes now goes along (newest wins).
    const stillDeferred: LiveTouch[] = [];
    for (const t of defer) {
      const going = write.get(t.elevatorId);
      if (going) write.set(t.elevatorId, mergeTouches(going, t));
      else stillDeferred.push(t);
    }
    return { write: [...write.values()], defer: stillDeferred, taken };
  }

  /** Applies a committed plan: `rows` are the live states the transaction returned. */
  committed(plan: LivePlan, rows: readonly LiveStateRow[], now: number): void {
    for (const id of plan.taken) this.waiting.delete(id);
    for (const r of rows) this.known.set(r.elevator_id, knownOf(r));
    for (const t of plan.defer) {
      const w = this.waiting.get(t.elevatorId);
      if (w) w.touch = mergeTouches(w.touch, t);
      else this.waiting.set(t.elevatorId, { touch: t, since: now });
    }
  }

  /** Drops the waiting touches a plan took (the database refused them: they would fail again). */
  discard(plan: LivePlan): void {
    for (const id of plan.taken) this.waiting.delete(id);
  }
}
