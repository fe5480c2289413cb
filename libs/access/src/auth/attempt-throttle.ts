/**
 * How failed credential checks are slowed down and then locked, per key (an account, an address).
 * Pure: the state goes in, the decision and the next state come out; where the state lives (a
 * table shared by the API replicas, a map in the broker's process) is the caller's business.
 *
 * - Failures are counted in a sliding window (`windowS`).
 * - The first `freeFailures` cost nothing: people mistype.
 * - Beyond them, the next attempt is allowed only after a delay from the last one that doubles
 *   with each failure (1 s, 2 s, 4 s … up to `maxDelayS`); an earlier attempt is refused, not
 *   checked, with how long to wait.
 * - The attempt that reaches `lockAfter` failures locks the key for `lockS`; each further lock
 *   within a day lasts twice as long, up to `maxLockS`. A locked key is refused without a check.
 *
 * An attempt counts as a failure from the moment it is admitted (before the password is checked),
 * so parallel guesses see each other; a success then clears the key (`succeeded`).
 */
export interface ThrottlePolicy {
  windowS: number;
  freeFailures: number;
  maxDelayS: number;
  lockAfter: number;
  lockS: number;
  maxLockS: number;
}

export interface ThrottleState {
  /** Admitted attempts not yet cleared by a success, oldest first (at most `lockAfter`). */
  attempts: Date[];
  lockedUntil: Date | null;
  /** Locks in the day before `lastLockAt`; the next lock lasts 2^lockCount · lockS. */
  lockCount: number;
  lastLockAt: Date | null;
}

export type Admission =
  | { ok: true; state: ThrottleState; lockedUntil: Date | null }
  | { ok: false; reason: 'locked' | 'slow_down'; retryAfterS: number; lockedUntil: Date | null };

export const EMPTY_THROTTLE: ThrottleState = {
  attempts: [],
  lockedUntil: null,
  lockCount: 0,
  lastLockAt: null,
};

const DAY_MS = 24 * 3600_000;

/** Seconds to wait after the last attempt once `failures` attempts are in the window. */
export function delayAfter(failures: number, p: ThrottlePolicy): number {
  if (failures < p.freeFailures) return 0;
  return Math.min(2 ** (failures - p.freeFailures), p.maxDelayS);
}

const secondsUntil = (t: Date, now: Date): number =>
  Math.max(1, Math.ceil((t.getTime() - now.getTime()) / 1000));

/** The attempts that still count at `now`: inside the window and after any lock that has expired. */
function recent(s: ThrottleState, p: ThrottlePolicy, now: Date): Date[] {
  const from = Math.max(now.getTime() - p.windowS * 1000, s.lockedUntil?.getTime() ?? 0);
  return s.attempts.filter((a) => a.getTime() > from);
}

/** Whether an attempt may be checked now; when it may, the state with the attempt counted. */
export function admit(s: ThrottleState, p: ThrottlePolicy, now: Date): Admission {
  if (s.lockedUntil && s.lockedUntil > now) {
    return {
      ok: false,
      reason: 'locked',
      retryAfterS: secondsUntil(s.lockedUntil, now),
      lockedUntil: s.lockedUntil,
    };
  }
  const counted = recent(s, p, now);
  const last = counted.at(-1);
  const wait = delayAfter(counted.length, p);
  if (last && wait > 0) {
    const next = new Date(last.getTime() + wait * 1000);
    if (next > now)
      return { ok: false, reason: 'slow_down', retryAfterS: secondsUntil(next, now), lockedUntil: null };
  }
  const attempts = [...counted, now].slice(-p.lockAfter);
  if (attempts.length < p.lockAfter) {
    return { ok: true, state: { ...s, attempts, lockedUntil: null }, lockedUntil: null };
  }
  const earlier = s.lastLockAt && now.getTime() - s.lastLockAt.getTime() < DAY_MS ? s.lockCount : 0;
  const lockMs = Math.min(p.lockS * 2 ** earlier, p.maxLockS) * 1000;
  const lockedUntil = new Date(now.getTime() + lockMs);
  return {
    ok: true,
    state: { attempts, lockedUntil, lockCount: earlier + 1, lastLockAt: now },
    lockedUntil,
  };
}

/** The state after a successful check: nothing counted, no lock. */
export function succeeded(): ThrottleState {
  return { ...EMPTY_THROTTLE };
}
